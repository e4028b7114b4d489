package io.tern.rpc.cluster;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which declared key types have a stable form, judged from the generic types of a method's parameters. */
class HashKeyTypesTest {
    record Box<T>(T value) {
    }

    /** Refers to itself: judged by its other components. */
    record Node(String name, List<Node> children) {
    }

    @SuppressWarnings("rawtypes")
    interface Keys {
        void stable(String s, int i, Number n, UUID id, Instant at, BigDecimal amount, int[] ints, List<String> names,
                    Map<String, List<Long>> counts, Optional<UUID> maybe, Box<String> box, Node tree, List<? extends Number> numbers);

        void objects(Object o, Box<Object> box, Map<String, Object> map, List rawList, Runnable task, List<? extends Runnable> tasks,
                     Object[] array);
    }

    private static Type[] parameters(String method) {
        for (Method m : Keys.class.getMethods()) {
            if (m.getName().equals(method)) {
                return m.getGenericParameterTypes();
            }
        }
        throw new AssertionError(method);
    }

    @Test
    void valuesKeysContainersAndRecordsOfThemHaveAStableForm() {
        for (Type t : parameters("stable")) {
            assertNull(HashKeyTypes.unstableReason(t), t.getTypeName());
        }
    }

    @Test
    void typesThatSayNothingOfTheirValuesAreRefusedWithTheReason() {
        Type[] p = parameters("objects");
        assertMentions(HashKeyTypes.unstableReason(p[0]), "Object says nothing");
        assertMentions(HashKeyTypes.unstableReason(p[1]), "its component Box.value", "Object says nothing");
        assertMentions(HashKeyTypes.unstableReason(p[2]), "its elements", "Object says nothing");
        assertMentions(HashKeyTypes.unstableReason(p[3]), "java.util.List without element types");
        assertMentions(HashKeyTypes.unstableReason(p[4]), "java.lang.Runnable is an interface");
        assertMentions(HashKeyTypes.unstableReason(p[5]), "its elements", "java.lang.Runnable is an interface");
        assertMentions(HashKeyTypes.unstableReason(p[6]), "its elements", "Object says nothing");
        assertMentions(HashKeyTypes.unstableReason(HashKeyTypesTest.class), HashKeyTypesTest.class.getName() + " does not override toString()");
    }

    @Test
    void aTypeHasItsOwnTextIfItOrASuperclassImplementsToString() {
        assertTrue(HashKeyTypes.declaresToString(UUID.class));
        assertTrue(HashKeyTypes.declaresToString(java.util.concurrent.atomic.AtomicLong.class));
        assertFalse(HashKeyTypes.declaresToString(Object.class));
        assertFalse(HashKeyTypes.declaresToString(HashKeyTypesTest.class));
    }

    private static void assertMentions(String text, String... fragments) {
        assertTrue(text != null, "a reason expected");
        for (String f : fragments) {
            assertTrue(text.contains(f), () -> "expected '" + f + "' in: " + text);
        }
    }
}
