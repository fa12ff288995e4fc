package io.agentfleet.operator.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Stacked line plots drawn with java.awt (headless): no charting dependency for a few lines per
 * panel.
 */
final class Chart {
  private Chart() {}

  record Series(String label, Color color, double[] values) {}

  record Panel(String title, List<Series> series) {}

  static void write(Path file, String title, String xLabel, double xPerSample, List<Panel> panels)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int width = 1100;
    int panelHeight = 190;
    int top = 40;
    int height = top + panels.size() * panelHeight + 30;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, 60, 24);
    double yMax = 1;
    int samples = 1;
    for (Panel p : panels) {
      for (Series s : p.series()) {
        samples = Math.max(samples, s.values().length);
        for (double v : s.values()) {
          yMax = Math.max(yMax, v);
        }
      }
    }
    yMax = Math.ceil(yMax * 1.05);
    int left = 60;
    int right = width - 20;
    for (int i = 0; i < panels.size(); i++) {
      Panel p = panels.get(i);
      int y0 = top + i * panelHeight + 20;
      int y1 = top + (i + 1) * panelHeight - 10;
      g.setColor(new Color(0xEEEEEE));
      for (int k = 0; k <= 4; k++) {
        int y = y1 - (int) ((y1 - y0) * k / 4.0);
        g.drawLine(left, y, right, y);
      }
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawRect(left, y0, right - left, y1 - y0);
      g.drawString(p.title(), left + 5, y0 - 4);
      for (int k = 0; k <= 4; k++) {
        int y = y1 - (int) ((y1 - y0) * k / 4.0);
        g.drawString(String.valueOf(Math.round(yMax * k / 4)), 20, y + 4);
      }
      int legendX = right - 320;
      for (Series s : p.series()) {
        g.setColor(s.color());
        g.setStroke(new BasicStroke(1.4f));
        double[] v = s.values();
        // One pixel column may hold many samples: draw their range, then step to the next.
        int px = -1;
        int lastY = -1;
        int lo = 0;
        int hi = 0;
        for (int k = 0; k <= v.length; k++) {
          int x = k < v.length ? left + (int) ((right - left) * (k / (double) samples)) : -2;
          if (x != px && px >= 0) {
            g.drawLine(px, lo, px, hi);
            if (x >= 0) {
              g.drawLine(px, lastY, x, lastY);
            }
          }
          if (k == v.length) {
            break;
          }
          int y = y1 - (int) ((y1 - y0) * v[k] / yMax);
          if (x != px) {
            lo = lastY >= 0 ? lastY : y;
            hi = lo;
            px = x;
          }
          lo = Math.min(lo, y);
          hi = Math.max(hi, y);
          lastY = y;
        }
        g.fillRect(legendX, y0 - 12, 14, 4);
        g.setColor(Color.BLACK);
        g.drawString(s.label(), legendX + 18, y0 - 7);
        legendX += 160;
      }
    }
    g.setColor(Color.BLACK);
    for (int k = 0; k <= 8; k++) {
      int x = left + (right - left) * k / 8;
      g.drawString(String.valueOf(Math.round(samples * xPerSample * k / 8)), x - 12, height - 12);
    }
    g.drawString(xLabel, 4, height - 12);
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }
}
