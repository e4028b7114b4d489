package io.tern.rpc.benchmark.e2e;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latency-by-percentile plot in the style of HdrHistogram's plotter: the x axis is log-scaled in "nines"
 * (x = log10(1 / (1 - percentile))), so 90%, 99%, 99.9%... are equally spaced; the y axis (µs) is log-scaled too,
 * so the ceiling and the slowest mode fit one panel. Plain java.awt, headless. Public: the cluster tail benchmark
 * ({@code io.tern.rpc.benchmark.cluster.TailBench}) draws its plot with it too.
 */
public final class LatencyPlot {
    /** One panel: its title and one line per histogram (ns), in legend order. */
    public record Panel(String title, Map<String, Histogram> lines) {
    }

    private static final Color[] COLORS = {new Color(0x555555), new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C),
            new Color(0x9467BD)};
    private static final int PANEL_W = 760;
    private static final int H = 620;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 90;
    private static final int BOTTOM = 90;

    private LatencyPlot() {
    }

    public static void write(Path png, String title, String footer, List<Panel> panels) throws IOException {
        int width = PANEL_W * panels.size();
        BufferedImage img = new BufferedImage(width, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(title, LEFT, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.DARK_GRAY);
        g.drawString(footer, LEFT, H - 18);
        for (int i = 0; i < panels.size(); i++) {
            drawPanel(g, panels.get(i), i * PANEL_W);
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    private static void drawPanel(Graphics2D g, Panel panel, int x0) {
        int left = x0 + LEFT;
        int right = x0 + PANEL_W - RIGHT;
        int top = TOP;
        int bottom = H - BOTTOM;
        // ranges: x up to the nines the smallest sample supports (at least 3, at most 6); y over whole decades
        long minCount = Long.MAX_VALUE;
        double minUs = Double.MAX_VALUE;
        double maxUs = 0;
        for (Histogram h : panel.lines().values()) {
            if (h.getTotalCount() == 0) {
                continue;
            }
            minCount = Math.min(minCount, h.getTotalCount());
            minUs = Math.min(minUs, h.getMinValue() / 1000.0);
            maxUs = Math.max(maxUs, h.getMaxValue() / 1000.0);
        }
        if (maxUs == 0) {
            return;
        }
        double xMax = Math.max(3, Math.min(6, Math.floor(Math.log10(minCount))));
        double yLo = Math.floor(Math.log10(Math.max(1, minUs)));
        double yHi = Math.ceil(Math.log10(maxUs));
        if (yHi <= yLo) {
            yHi = yLo + 1;
        }
        final double fyLo = yLo;
        final double fyHi = yHi;
        java.util.function.DoubleUnaryOperator px = x -> left + (right - left) * x / xMax;
        java.util.function.DoubleUnaryOperator py = us -> bottom - (bottom - top) * (Math.log10(us) - fyLo) / (fyHi - fyLo);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(panel.title(), left, top - 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        // grid: y at 1, 2, 5 × 10^k; x at each nine
        for (int e = (int) yLo; e <= (int) yHi; e++) {
            for (int m : new int[]{1, 2, 5}) {
                double v = m * Math.pow(10, e);
                if (Math.log10(v) > yHi + 1e-9) {
                    continue;
                }
                int y = (int) py.applyAsDouble(v);
                g.setColor(m == 1 ? new Color(0xCCCCCC) : new Color(0xEEEEEE));
                g.drawLine(left, y, right, y);
                g.setColor(Color.DARK_GRAY);
                String label = v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.0f", v);
                g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
            }
        }
        for (int n = 0; n <= (int) xMax; n++) {
            int x = (int) px.applyAsDouble(n);
            g.setColor(new Color(0xCCCCCC));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            String label = n == 0 ? "0%" : n == 1 ? "90%" : "99" + (n > 2 ? "." + "9".repeat(n - 2) : "") + "%";
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, bottom + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString("percentile", (left + right) / 2 - 30, bottom + 40);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("latency (µs, log scale)", -(top + bottom) / 2 - 60, x0 + 18);
        rotated.dispose();

        int i = 0;
        int legendY = top + 20;
        for (Map.Entry<String, Histogram> line : panel.lines().entrySet()) {
            Histogram h = line.getValue();
            Color color = COLORS[i++ % COLORS.length];
            Path2D.Double path = new Path2D.Double();
            boolean first = true;
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double x = p >= 1 ? xMax : Math.min(xMax, Math.log10(1 / (1 - p)));
                double us = Math.max(Math.pow(10, yLo), h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
                double sx = px.applyAsDouble(x);
                double sy = py.applyAsDouble(us);
                if (first) {
                    path.moveTo(sx, sy);
                    first = false;
                } else {
                    path.lineTo(sx, sy);
                }
                if (x >= xMax) {
                    break;
                }
            }
            g.setColor(color);
            g.setStroke(new BasicStroke(2.2f));
            g.draw(path);
            g.setStroke(new BasicStroke(1f));
            g.fillRect(left + 12, legendY - 9, 18, 4);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%s  (p50 %.1f µs, p99 %.1f µs, %,d calls)", line.getKey(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getTotalCount()), left + 36, legendY - 3);
            legendY += 18;
        }
    }
}
