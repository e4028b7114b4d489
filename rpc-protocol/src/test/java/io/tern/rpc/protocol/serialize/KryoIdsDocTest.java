package io.tern.rpc.protocol.serialize;

import io.tern.rpc.testsupport.DocTables;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixed Kryo registration ids of docs/protocol.md are those every peer's Kryo gives the JDK value types. */
class KryoIdsDocTest {
    private static final Pattern FIRST_CODE = Pattern.compile("`([^`]+)`");

    @Test
    void fixedIdTableIsTheRegistrationOfEveryJdkValueType() {
        KryoSerializer kryo = (KryoSerializer) Serializers.kryo();
        Map<String, Integer> registered = new TreeMap<>();
        for (Class<?> c : AllowList.JDK_VALUE_TYPES) {
            registered.put(c.getName(), kryo.registeredId(c));
        }
        Map<String, Integer> documented = new TreeMap<>();
        for (List<String> row : DocTables.table(DocTables.lines("protocol.md"), "Kryo registration ids")) {
            Matcher m = FIRST_CODE.matcher(row.get(1));
            assertTrue(m.find(), "no class name in " + row);
            documented.put(m.group(1), Integer.parseInt(row.get(0)));
        }
        assertEquals(registered, documented);
    }
}
