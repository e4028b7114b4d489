package io.tern.rpc.spring;

import io.tern.rpc.testsupport.DocTables;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.TypeDescriptor;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/spring-boot.md against the starter: its property table lists exactly the keys the {@code rpc.*} properties classes
 * bind, each with the default a fresh instance has, and its annotation tables list every attribute.
 */
class SpringBootDocTest {
    private static final List<String> DOC = DocTables.lines("spring-boot.md");

    /** One bindable property: the object that holds it and its getter. */
    private record Bound(Object owner, Method getter) {
    }

    @Test
    void propertyTableListsExactlyTheBoundKeys() throws ReflectiveOperationException {
        Map<String, Bound> bound = boundKeys();
        Map<String, String> documented = documentedDefaults();
        Set<String> undocumented = new TreeSet<>(bound.keySet());
        undocumented.removeAll(documented.keySet());
        Set<String> unbound = new TreeSet<>(documented.keySet());
        unbound.removeAll(bound.keySet());
        assertEquals(Set.of(), undocumented, "bound by the properties classes, missing from the table");
        assertEquals(Set.of(), unbound, "in the table, bound by no properties class");
    }

    @Test
    void propertyTableGivesTheDefaultOfEachKey() throws ReflectiveOperationException {
        Map<String, String> documented = documentedDefaults();
        for (Map.Entry<String, Bound> e : boundKeys().entrySet()) {
            String cell = documented.get(e.getKey());
            if (cell == null) {
                continue; // propertyTableListsExactlyTheBoundKeys reports it
            }
            Method getter = e.getValue().getter();
            Object expected = cell.matches("`[^`]+`")
                    ? ApplicationConversionService.getSharedInstance().convert(DocTables.code(cell), TypeDescriptor.valueOf(String.class),
                    new TypeDescriptor(new MethodParameter(getter, -1)))
                    : null; // "–": unset by default
            assertEquals(expected, getter.invoke(e.getValue().owner()), "default of " + e.getKey() + " (documented: " + cell + ")");
        }
    }

    /** Every key bound under the prefix of {@link RpcProperties}, with where its default is read. */
    private static Map<String, Bound> boundKeys() throws ReflectiveOperationException {
        ConfigurationProperties annotation = RpcProperties.class.getAnnotation(ConfigurationProperties.class);
        Map<String, Bound> bound = new TreeMap<>();
        collect(new RpcProperties(), annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix(), bound);
        return bound;
    }

    /** The property table: key to its default cell. */
    private static Map<String, String> documentedDefaults() {
        Map<String, String> documented = new TreeMap<>();
        for (List<String> row : DocTables.table(DOC, "Properties")) {
            documented.put(DocTables.code(row.get(0)), row.get(1));
        }
        return documented;
    }

    /**
     * The keys a JavaBean binder binds under {@code prefix}: a property with a setter is a key; one with only a getter
     * whose type is a section class of this package is a group whose properties are keys under it.
     */
    private static void collect(Object bean, String prefix, Map<String, Bound> out) throws ReflectiveOperationException {
        for (PropertyDescriptor p : BeanUtils.getPropertyDescriptors(bean.getClass())) {
            Method getter = p.getReadMethod();
            if (getter == null || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String key = prefix + "." + kebab(p.getName());
            if (p.getWriteMethod() != null) {
                out.put(key, new Bound(bean, getter));
            } else if (p.getPropertyType().getPackageName().equals(RpcProperties.class.getPackageName())) {
                collect(getter.invoke(bean), key, out);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    @Test
    void annotationTablesListEveryAttribute() {
        assertEquals(attributes(RpcService.class), documentedAttributes("`@RpcService`"));
        assertEquals(attributes(RpcReference.class), documentedAttributes("`@RpcReference`"));
    }

    private static TreeSet<String> attributes(Class<?> annotation) {
        return new TreeSet<>(Arrays.stream(annotation.getDeclaredMethods()).map(Method::getName).toList());
    }

    private static TreeSet<String> documentedAttributes(String heading) {
        return new TreeSet<>(DocTables.table(DOC, heading).stream().map(row -> DocTables.code(row.get(0))).toList());
    }
}
