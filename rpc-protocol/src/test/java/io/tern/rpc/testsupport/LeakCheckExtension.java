package io.tern.rpc.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails a test class when Netty's leak detector reports a leaked buffer while it ran. Registered for every test
 * through JUnit's extension auto-detection (META-INF/services); surefire runs with paranoid leak detection.
 * Leaks surface only after GC, so afterAll collects garbage and allocates to make the detector poll.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /** Leak reports recorded so far (for tests of this extension). */
    public static List<String> leaks() {
        return LEAKS;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (int i = 0; i < 5 && LEAKS.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20); // let the reference queue fill after GC; this is not a wait for a condition
            for (ByteBufAllocator alloc : new ByteBufAllocator[]{PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT}) {
                for (int j = 0; j < 50; j++) {
                    ByteBuf b = alloc.directBuffer(16);
                    b.release();
                    b = alloc.heapBuffer(16);
                    b.release();
                }
            }
        }
        if (!LEAKS.isEmpty()) {
            String report = String.join("\n---\n", LEAKS);
            LEAKS.clear();
            throw new AssertionError("Netty reported leaked buffers during " + context.getDisplayName() + ":\n" + report);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<>(resource, samplingInterval) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add("LEAK " + resourceType + records);
                    super.reportTracedLeak(resourceType, records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add("LEAK " + resourceType + " (untraced)");
                    super.reportUntracedLeak(resourceType);
                }
            };
        }
    }
}
