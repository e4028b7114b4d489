package io.tern.rpc.spring;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.util.ReflectionUtils;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The property names a {@code @ConfigurationProperties} class binds, read from the class itself (as Spring Boot binds
 * it: JavaBean properties, sections marked {@link NestedConfigurationProperty}), so that they cannot drift from a list
 * kept by hand. Matching is by {@link ConfigurationPropertyName}, so every relaxed form of a name (kebab-case,
 * camelCase, underscores, an environment variable) is the same name. Under a map- or list-valued property any key is
 * accepted; a section (e.g. an empty {@code rpc.consumer:} in YAML) is accepted too.
 */
final class RpcPropertyNames {
    private final List<ConfigurationPropertyName> leaves = new ArrayList<>();
    private final List<ConfigurationPropertyName> open = new ArrayList<>();

    private RpcPropertyNames() {
    }

    /** The names of {@code type}'s properties under {@code prefix}. */
    static RpcPropertyNames of(Class<?> type, String prefix) {
        RpcPropertyNames names = new RpcPropertyNames();
        names.collect(type, ConfigurationPropertyName.of(prefix));
        return names;
    }

    private void collect(Class<?> type, ConfigurationPropertyName prefix) {
        for (PropertyDescriptor p : BeanUtils.getPropertyDescriptors(type)) {
            if (p.getReadMethod() == null || p.getName().equals("class")) {
                continue;
            }
            ConfigurationPropertyName name = prefix.append(DataObjectPropertyName.toDashedForm(p.getName()));
            Field field = ReflectionUtils.findField(type, p.getName());
            Class<?> valueType = p.getPropertyType();
            if (field != null && field.isAnnotationPresent(NestedConfigurationProperty.class)) {
                collect(valueType, name);
            } else if (Map.class.isAssignableFrom(valueType) || Collection.class.isAssignableFrom(valueType) || valueType.isArray()) {
                leaves.add(name);
                open.add(name);
            } else if (p.getWriteMethod() != null) {
                leaves.add(name);
            }
        }
    }

    /** Whether Boot binds {@code name} (in any relaxed form) to one of the properties. */
    boolean isKnown(ConfigurationPropertyName name) {
        for (ConfigurationPropertyName leaf : leaves) {
            if (leaf.equals(name) || name.isAncestorOf(leaf)) {
                return true;
            }
        }
        return open.stream().anyMatch(o -> o.isAncestorOf(name));
    }

    /** Every property name, in the documented kebab-case form. */
    List<String> names() {
        return leaves.stream().map(ConfigurationPropertyName::toString).toList();
    }
}
