package io.tern.rpc.protocol.serialize;

import java.util.Objects;

/** An allowed Kryo payload; its name has the same length as {@link EvilPayload}'s so test bytes can be patched. */
public class GoodPayload {
    private String text;
    private int number;

    public GoodPayload() {
    }

    public GoodPayload(String text, int number) {
        this.text = text;
        this.number = number;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GoodPayload g && getClass() == g.getClass() && Objects.equals(text, g.text) && number == g.number;
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, number);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + text + ", " + number + '}';
    }
}
