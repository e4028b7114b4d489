package io.tern.rpc.benchmark.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/** The byte-array payload of the size benchmarks: a few header fields and one {@code byte[]} (see {@link Payloads#blob(int)}). */
public class BlobPojo implements Serializable {
    /** Serializable only for the Dubbo peer (its default Hessian2 refuses other classes); Tern's codecs ignore it. */
    private static final long serialVersionUID = 1L;

    private long id;
    private String name;
    private byte[] data;

    public BlobPojo() {
    }

    public BlobPojo(long id, String name, byte[] data) {
        this.id = id;
        this.name = name;
        this.data = data;
    }

    public byte[] getData() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof BlobPojo p && id == p.id && Objects.equals(name, p.name) && Arrays.equals(data, p.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, data.length);
    }
}
