package io.tern.rpc.benchmark.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The small POJO of the benchmarks: about 150 bytes with Protostuff (see {@link Payloads#small()}). Serializable only
 * for the Dubbo peer: Dubbo 3.3's default Hessian2 codec refuses classes that are not (Tern's codecs ignore it).
 */
public class SmallPojo implements Serializable {
    private static final long serialVersionUID = 1L;

    private long id;
    private int quantity;
    private double price;
    private boolean active;
    private long createdAt;
    private String name;
    private String email;
    private String street;
    private String city;
    private String country;
    private List<String> tags;

    public SmallPojo() {
    }

    public SmallPojo(long id, int quantity, double price, boolean active, long createdAt, String name, String email,
                     String street, String city, String country, List<String> tags) {
        this.id = id;
        this.quantity = quantity;
        this.price = price;
        this.active = active;
        this.createdAt = createdAt;
        this.name = name;
        this.email = email;
        this.street = street;
        this.city = city;
        this.country = country;
        this.tags = tags;
    }

    public long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SmallPojo p)) {
            return false;
        }
        return id == p.id && quantity == p.quantity && Double.compare(price, p.price) == 0 && active == p.active
                && createdAt == p.createdAt && Objects.equals(name, p.name) && Objects.equals(email, p.email)
                && Objects.equals(street, p.street) && Objects.equals(city, p.city) && Objects.equals(country, p.country)
                && Objects.equals(tags, p.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, email);
    }
}
