import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compatibility check, run by .ci/compat once both applications are up: java compat/Check.java BOOT4_PORT BOOT35_PORT.
 * Over HTTP only, as a user would look: each /actuator/health lists the rpc contributor UP (polled with a deadline, since
 * each app needs the other's provider registered), then each app calls the other over Tern RPC through ZooKeeper and
 * the answer names the other side's Spring Boot and Netty versions. Exits 1 with what was seen when anything differs.
 */
public class Check {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** "... in trace X; caller trace Y": the provider method's MDC trace id, then the calling HTTP request's. */
    private static final Pattern TRACE = Pattern.compile(" in trace (\\w+); caller trace (\\w+)$");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");

    public static void main(String[] args) throws Exception {
        App boot4 = new App("boot4", Integer.parseInt(args[0]), "Spring Boot 4.0.", "Netty 4.2.");
        App boot35 = new App("boot3", Integer.parseInt(args[1]), "Spring Boot 3.5.", "Netty 4.1.");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        for (App app : new App[] {boot4, boot35}) {
            String last = "";
            while (true) {
                last = get(app, "/actuator/health");
                if ("UP".equals(rpcStatus(last))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail(app.line + ": /actuator/health did not show the rpc contributor UP within 90s; last answer: " + last);
                }
                Thread.sleep(250);
            }
            require(last.contains("\"services\"") && last.contains("\"references\""), app.line + ": rpc health details missing: " + last);
            System.out.println("[compat] " + app.line + " /actuator/health: rpc contributor UP: " + excerpt(last));
        }
        call(boot4, boot35);
        call(boot35, boot4);
        for (App app : new App[] {boot4, boot35}) {
            String rpc = get(app, "/actuator/rpc");
            for (String field : new String[] {"\"server\"", "\"online\":true", "\"references\"", "\"providers\"", "\"ewmaMillis\"",
                    "\"retryBudgetLevel\"", "\"backupRate\"", "\"executorOutstanding\"", "\"registry\":\"CONNECTED\""}) {
                require(rpc.contains(field), app.line + ": /actuator/rpc lacks " + field + ": " + rpc);
            }
            System.out.println("[compat] " + app.line + " /actuator/rpc: " + rpc.length() + " bytes, server and both references with their providers"
                    + (app == boot4 ? ": " + rpc : ""));
        }
        for (App app : new App[] {boot4, boot35}) {
            // the calls above were observed: rpc.client / rpc.server timers with the SPEC's tags, timed by Tern's own meter
            // handler (Boot's default one would also have made the LongTaskTimer rpc.client.active)
            for (String name : new String[] {"rpc.client", "rpc.server"}) {
                String metric = get(app, "/actuator/metrics/" + name);
                require(metric.contains("\"COUNT\"") && metric.contains("\"rpc.service\"") && metric.contains("\"rpc.method\"")
                        && metric.contains("\"rpc.status\"") && metric.contains("\"OK\""), app.line + ": /actuator/metrics/" + name + ": " + metric);
            }
            String active = get(app, "/actuator/metrics/rpc.client.active");
            require(!active.contains("\"ACTIVE_TASKS\""), app.line + ": Boot's default meter handler timed Tern's calls too: " + active);
        }
        System.out.println("[compat] rpc.client / rpc.server timers on both (rpc.service, rpc.method, rpc.status), by Tern's meter handler");
        for (App app : new App[] {boot4, boot35}) {
            String page = get(app, "/tern/rpc.html");
            require(page.startsWith("<!DOCTYPE html>") && page.contains("'../actuator/rpc'"), app.line + ": /tern/rpc.html not served by the starter: "
                    + page.substring(0, Math.min(200, page.length())));
        }
        System.out.println("[compat] /tern/rpc.html served on both (the live provider table)");
        System.out.println("[compat] OK: Boot 4.0 and Boot 3.5 applications call each other through ZooKeeper; health shows rpc on both");
    }

    private static void call(App caller, App callee) throws Exception {
        String answer = get(caller, "/call?peer=" + callee.line);
        require(answer.startsWith("hello ") && answer.contains(" from " + callee.boot) && answer.contains(callee.netty),
                caller.line + " calling " + callee.line + ": expected an answer from " + callee.boot + "x on " + callee.netty + "x, got: " + answer);
        Matcher trace = TRACE.matcher(answer);
        require(trace.find() && !trace.group(1).equals("null") && trace.group(1).equals(trace.group(2)),
                caller.line + " calling " + callee.line + ": the provider did not continue the caller's trace (W3C traceparent): " + answer);
        System.out.println("[compat] " + caller.line + " -> " + callee.line + ": " + answer);
    }

    private static String get(App app, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port + path)).timeout(Duration.ofSeconds(10)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "(no answer: " + e + ")";
        }
    }

    /** The status of components.rpc (its own, not one of its details'), whatever order the JSON keys come in. */
    static String rpcStatus(String json) {
        String object = rpcObject(json);
        if (object == null) {
            return null;
        }
        // keep only what is at the object's own level, so the one "status" left is the contributor's
        StringBuilder top = new StringBuilder();
        int[] depth = depths(object);
        for (int i = 0; i < object.length(); i++) {
            if (depth[i] <= 1 && !(object.charAt(i) == '}' && depth[i] == 0)) {
                top.append(object.charAt(i));
            }
        }
        Matcher m = STATUS.matcher(top);
        return m.find() ? m.group(1) : null;
    }

    /** The JSON object of "rpc" under "components", braces included; null when there is none. */
    private static String rpcObject(String json) {
        int key = json.indexOf("\"rpc\":{");
        if (key < 0) {
            return null;
        }
        String rest = json.substring(json.indexOf('{', key));
        int[] depth = depths(rest);
        for (int i = 0; i < rest.length(); i++) {
            if (depth[i] == 0) {
                return rest.substring(0, i + 1);
            }
        }
        return null;
    }

    /** The brace nesting after each character of {@code json} (braces inside strings do not count). */
    private static int[] depths(String json) {
        int[] depth = new int[json.length()];
        int d = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString && c == '\\' && i + 1 < json.length()) {
                depth[i] = d;
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (!inString && c == '{') {
                d++;
            } else if (!inString && c == '}') {
                d--;
            }
            depth[i] = d;
        }
        return depth;
    }

    private static String excerpt(String body) {
        String rpc = rpcObject(body);
        return rpc == null ? body : "\"rpc\":" + rpc;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            fail(message);
        }
    }

    private static void fail(String message) {
        System.out.println("[compat] FAILED: " + message);
        System.exit(1);
    }

    record App(String line, int port, String boot, String netty) {
    }
}
