package io.tern.rpc.benchmark.model;

import java.util.List;
import java.util.Objects;

/** The larger POJO of the micro-benchmarks: about 4 KB with Protostuff (see {@link Payloads#large()}). */
public class LargePojo {
    private long id;
    private String title;
    private String description;
    private int[] scores;
    private List<SmallPojo> items;

    public LargePojo() {
    }

    public LargePojo(long id, String title, String description, int[] scores, List<SmallPojo> items) {
        this.id = id;
        this.title = title;
        this.description = description;
        this.scores = scores;
        this.items = items;
    }

    public List<SmallPojo> getItems() {
        return items;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LargePojo p)) {
            return false;
        }
        return id == p.id && Objects.equals(title, p.title) && Objects.equals(description, p.description)
                && java.util.Arrays.equals(scores, p.scores) && Objects.equals(items, p.items);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, title);
    }
}
