package io.tern.rpc.protocol.serialize;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The serializers by codec byte and by name: the built-ins, then the third-party ones {@link ServiceLoader} finds
 * through {@code META-INF/services/io.tern.rpc.protocol.serialize.Serializer}. Built once, when {@link Serializers}
 * is initialised; an id or a name claimed twice fails that start-up naming both classes.
 */
final class SerializerTable {
    private static final Logger log = LoggerFactory.getLogger(SerializerTable.class);

    /** Lowest id a third-party serializer may take: 0 is "no body", 1 and 2 are protostuff and kryo (SPEC §2). */
    static final int FIRST_PLUGIN_ID = 3;
    /** Highest id: the frame's codec byte is read as a signed byte, so a larger one would arrive negative and unknown. */
    static final int MAX_ID = Byte.MAX_VALUE;

    // names are matched after trim and lower-casing, and rpc.server.serializations separates them with commas
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private final Serializer[] byId;
    private final Map<String, Serializer> byName;

    private SerializerTable(Serializer[] byId, Map<String, Serializer> byName) {
        this.byId = byId;
        this.byName = byName;
    }

    /** The built-ins and the third-party {@code plugins}; throws {@link IllegalStateException} on any clash. */
    static SerializerTable of(List<Serializer> builtIns, List<Serializer> plugins) {
        List<Serializer> all = new ArrayList<>(builtIns);
        int maxId = 0;
        for (Serializer s : builtIns) {
            maxId = Math.max(maxId, s.id());
        }
        for (Serializer s : plugins) {
            // ids 1 and 2 are refused below as a clash naming the built-in that holds them
            if (s.id() <= 0) {
                throw new IllegalStateException("serializer " + s.getClass().getName() + " takes codec id " + s.id()
                        + ": a third-party serializer's id is " + FIRST_PLUGIN_ID + ".." + MAX_ID + " (the frame's codec byte, SPEC §2)");
            }
            maxId = Math.max(maxId, s.id());
            all.add(s);
        }
        Serializer[] byId = new Serializer[maxId + 1];
        Map<String, Serializer> byName = new LinkedHashMap<>();
        for (Serializer s : all) {
            Serializer sameId = byId[s.id()];
            if (sameId != null) {
                throw new IllegalStateException("codec id " + s.id() + " is claimed by both " + sameId.getClass().getName() + " and "
                        + s.getClass().getName() + ": each serializer needs its own id (a third-party one: " + FIRST_PLUGIN_ID + ".." + MAX_ID
                        + "; 1.." + (FIRST_PLUGIN_ID - 1) + " are the built-ins'), or remove one of them from the class path");
            }
            String name = s.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException("serializer " + s.getClass().getName() + " is named '" + name
                        + "': a name is lower-case letters, digits, '.', '_' or '-', as rpc.serialization is written");
            }
            Serializer sameName = byName.putIfAbsent(name, s);
            if (sameName != null) {
                throw new IllegalStateException("serialization name '" + name + "' is claimed by both " + sameName.getClass().getName()
                        + " and " + s.getClass().getName() + ": each serializer needs its own name; remove one of them from the class path");
            }
            byId[s.id()] = s;
        }
        return new SerializerTable(byId, Map.copyOf(byName));
    }

    /** The serializers listed in {@code META-INF/services} files on the class path, by id. */
    static List<Serializer> discover() {
        List<Serializer> found = new ArrayList<>();
        try {
            for (Serializer s : ServiceLoader.load(Serializer.class, Serializer.class.getClassLoader())) {
                found.add(s);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a serializer listed in META-INF/services/" + Serializer.class.getName()
                    + " could not be loaded: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingInt(Serializer::id));
        for (Serializer s : found) {
            log.info("Serialization '{}' (codec id {}) is provided by {}", s.name(), s.id(), s.getClass().getName());
        }
        return found;
    }

    /** Indexed by codec byte; index 0 and unused ids are null. The caller must not modify it. */
    Serializer[] byId() {
        return byId;
    }

    /** The serializer of a trimmed, lower-case name, or null. */
    Serializer byName(String name) {
        return byName.get(name);
    }

    /** "protostuff or kryo", "protostuff, kryo or toy": the names in id order, for messages. */
    String names() {
        List<String> names = new ArrayList<>();
        for (Serializer s : byId) {
            if (s != null) {
                names.add(s.name());
            }
        }
        String last = names.remove(names.size() - 1);
        return names.isEmpty() ? last : String.join(", ", names) + " or " + last;
    }
}
