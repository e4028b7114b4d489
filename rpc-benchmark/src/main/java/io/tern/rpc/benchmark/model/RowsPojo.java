package io.tern.rpc.benchmark.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The many-fields payload of the size benchmarks: a list of {@link SmallPojo} rows (11 fields each, about 150 bytes
 * with Protostuff), so the codec works field by field instead of copying one array (see {@link Payloads#rows(int)}).
 */
public class RowsPojo implements Serializable {
    /** Serializable only for the Dubbo peer (its default Hessian2 refuses other classes); Tern's codecs ignore it. */
    private static final long serialVersionUID = 1L;

    private long id;
    private List<SmallPojo> rows;

    public RowsPojo() {
    }

    public RowsPojo(long id, List<SmallPojo> rows) {
        this.id = id;
        this.rows = rows;
    }

    public List<SmallPojo> getRows() {
        return rows;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof RowsPojo p && id == p.id && Objects.equals(rows, p.rows);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, rows == null ? 0 : rows.size());
    }
}
