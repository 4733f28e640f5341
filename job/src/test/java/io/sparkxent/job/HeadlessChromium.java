package io.sparkxent.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools Protocol (the JDK's own
 * WebSocket client): opens a page, records every network request and every console error or
 * uncaught exception, evaluates a script in the rendered page and takes a full-page screenshot.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one page load showed: the requests it made, its errors, and the load time in ms. */
  record Page(String url, List<String> requests, List<String> errors, double loadMillis, HeadlessChromium browser, String session) {
    /** The value of a JavaScript expression in the page (JSON-serialisable). */
    JsonNode evaluate(String expression) throws Exception {
      JsonNode result = browser.send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true), session);
      if (result.has("exceptionDetails")) {
        throw new AssertionError("script failed: " + result.get("exceptionDetails"));
      }
      return result.path("result").path("value");
    }

    /** Saves the whole page (not only the viewport) as PNG. */
    void screenshot(Path file) throws Exception {
      JsonNode metrics = browser.send("Page.getLayoutMetrics", Map.of(), session);
      int height = (int) Math.ceil(metrics.path("cssContentSize").path("height").asDouble(900));
      browser.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1100, "height", Math.min(height, 16000),
          "deviceScaleFactor", 1, "mobile", false), session);
      JsonNode shot = browser.send("Page.captureScreenshot", Map.of("format", "png"), session);
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }
  }

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new ArrayList<>();

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** The browser binary: $CHROMIUM, else Debian's /usr/bin/chromium. */
  static Path binary() {
    Path path = Paths.get(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(path)) {
      throw new AssertionError("the report's browser test needs Debian's chromium at " + path
          + " (apt-get install chromium; .ci/run installs it), or CHROMIUM=/path/to/chrome");
    }
    return path;
  }

  static HeadlessChromium start(Path profile) throws Exception {
    Process process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
        "--disable-sync", "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank").redirectErrorStream(true).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String endpoint = null;
    StringBuilder seen = new StringBuilder();
    for (String line; endpoint == null && (line = output.readLine()) != null; ) {
      seen.append(line).append('\n');
      int at = line.indexOf("ws://");
      if (line.contains("DevTools listening on") && at >= 0) {
        endpoint = line.substring(at).trim();
      }
    }
    if (endpoint == null) {
      process.destroyForcibly();
      throw new AssertionError("chromium did not start: " + seen);
    }
    Thread drain = new Thread(() -> output.lines().forEach(line -> { }), "chromium-output");
    drain.setDaemon(true);
    drain.start();
    HeadlessChromium[] browser = new HeadlessChromium[1];
    StringBuilder partial = new StringBuilder();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(endpoint), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String message = partial.toString();
          partial.setLength(0);
          browser[0].receive(message);
        }
        webSocket.request(1);
        return null;
      }
    }).get(30, TimeUnit.SECONDS);
    browser[0] = new HeadlessChromium(process, socket);
    return browser[0];
  }

  private void receive(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> reply = replies.remove(node.get("id").asInt());
        if (reply != null) {
          reply.complete(node);
        }
      } else {
        synchronized (events) {
          events.add(node);
          events.notifyAll();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode send(String method, Map<String, Object> params, String session) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
    command.set("params", JSON.valueToTree(params));
    if (session != null) {
      command.put("sessionId", session);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    replies.put(id, reply);
    socket.sendText(JSON.writeValueAsString(command), true).get(30, TimeUnit.SECONDS);
    JsonNode answer = reply.get(60, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new AssertionError(method + " failed: " + answer.get("error"));
    }
    return answer.get("result");
  }

  /** Opens {@code url} in a new tab and waits for its load event. */
  Page open(String url) throws Exception {
    String target = send("Target.createTarget", Map.of("url", "about:blank"), null).get("targetId").asText();
    String session = send("Target.attachToTarget", Map.of("targetId", target, "flatten", true), null).get("sessionId").asText();
    for (String domain : List.of("Page", "Network", "Runtime", "Log")) {
      send(domain + ".enable", Map.of(), session);
    }
    send("Emulation.setDeviceMetricsOverride", Map.of("width", 1100, "height", 900, "deviceScaleFactor", 1, "mobile", false), session);
    int seen;
    synchronized (events) {
      seen = events.size();
    }
    send("Page.navigate", Map.of("url", url), session);
    long deadline = System.currentTimeMillis() + 60_000;
    synchronized (events) {
      while (events.subList(seen, events.size()).stream().noneMatch(event -> isEvent(event, "Page.loadEventFired", session))) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError("the page did not load in 60 s: " + url);
        }
        events.wait(left);
      }
    }
    Page page = new Page(url, new ArrayList<>(), new ArrayList<>(), 0, this, session);
    double loadMillis = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd").asDouble();
    List<String> requests = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    synchronized (events) {
      for (JsonNode event : events.subList(seen, events.size())) {
        if (isEvent(event, "Network.requestWillBeSent", session)) {
          requests.add(event.path("params").path("request").path("url").asText());
        } else if (isEvent(event, "Runtime.consoleAPICalled", session) && event.path("params").path("type").asText().equals("error")) {
          errors.add("console: " + event.path("params").path("args"));
        } else if (isEvent(event, "Runtime.exceptionThrown", session)) {
          errors.add("exception: " + event.path("params").path("exceptionDetails"));
        } else if (isEvent(event, "Log.entryAdded", session) && event.path("params").path("entry").path("level").asText().equals("error")) {
          errors.add("log: " + event.path("params").path("entry").path("text").asText());
        }
      }
    }
    return new Page(url, requests, errors, loadMillis, this, session);
  }

  private static boolean isEvent(JsonNode event, String method, String session) {
    return event.path("method").asText().equals(method) && event.path("sessionId").asText().equals(session);
  }

  @Override
  public void close() {
    try {
      send("Browser.close", Map.of(), null);
    } catch (Exception | AssertionError e) {
      // the process goes below either way
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
