package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Heed;
import dev.heed.assembly.Predictor;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.StepEvent;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: headless Chromium driven through chromedriver (Debian's {@code
 * chromium} and {@code chromium-driver}). Skipped, saying why, where they are not installed, unless
 * {@code HEED_REQUIRE_BROWSER=1} (CI) makes their absence a failure. Screenshots go to {@code
 * target/dashboard-screenshots/}.
 */
class DashboardBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DRIVER =
      Path.of(System.getProperty("heed.chromedriver", "/usr/bin/chromedriver"));
  private static final Path BROWSER =
      Path.of(System.getProperty("heed.chromium", "/usr/bin/chromium"));
  private static final Path SHOTS = Path.of("target/dashboard-screenshots");

  @TempDir static Path runs;

  private static HeedServer server;
  private static WebDriver driver;

  /** Why the browser tests cannot run here, or null when they can. */
  private static String missing() {
    if (Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER)) {
      return null;
    }
    return "no "
        + (Files.isExecutable(DRIVER) ? BROWSER : DRIVER)
        + ": install Debian's chromium and chromium-driver to run the dashboard's browser tests";
  }

  @BeforeEach
  void needsTheBrowser() {
    String why = missing();
    assumeTrue(why == null, () -> why + " (skipped; HEED_REQUIRE_BROWSER=1 makes this a failure)");
  }

  @BeforeAll
  static void start() throws IOException {
    String why = missing();
    if (why != null) {
      if ("1".equals(System.getenv("HEED_REQUIRE_BROWSER"))) {
        fail("HEED_REQUIRE_BROWSER=1 and " + why);
      }
      return; // each test says why it is skipped
    }
    Runs.train(
        Path.of("../examples/feature-attention.yaml"),
        List.of(
            "data.examples=200",
            "training.epochs=2",
            "training.stop.patience=0",
            "training.stop.target_loss=null",
            "backend=cpu"),
        runs.resolve("attention"));
    Runs.seed(runs.resolve("seed"), 3);
    server =
        HeedServer.start(Map.of(), ServeOptions.defaults().withPort(0).withBackend("cpu"), runs);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1600");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .build();
    driver = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private static <T> T until(Function<WebDriver, T> condition, String what) {
    return new WebDriverWait(driver, Duration.ofSeconds(20))
        .withMessage(what)
        .pollingEvery(Duration.ofMillis(50))
        .until(condition);
  }

  private static void open() {
    driver.get("http://127.0.0.1:" + server.port() + "/?poll=150");
    until(
        d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")),
        "the page to load");
  }

  private static WebElement row(String run) {
    return until(
        d ->
            d.findElements(By.cssSelector("#runs tr[data-run='" + run + "']")).stream()
                .findFirst()
                .orElse(null),
        "run " + run + " to be listed");
  }

  private static void select(String run) {
    row(run).findElement(By.cssSelector("input.show")).click();
    until(d -> row(run).getDomAttribute("class").contains("selected"), run + " to be shown");
  }

  private static void shot(String name) throws IOException {
    Files.write(
        SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static int points(String attribute) {
    String v = driver.findElement(By.id("loss-chart")).getDomAttribute(attribute);
    return v == null ? 0 : Integer.parseInt(v);
  }

  @Test
  void thePageListsTheRunsWithTheirConfigs() throws IOException {
    open();
    until(d -> d.findElements(By.cssSelector("#runs tbody tr")).size() >= 2, "two runs");
    List<String> names =
        driver.findElements(By.cssSelector("#runs tbody td.name")).stream()
            .map(WebElement::getText)
            .toList();
    assertTrue(names.containsAll(List.of("attention", "seed")), names.toString());
    assertTrue(
        row("attention").getText().contains("feature-selection"), row("attention").getText());
    assertTrue(row("seed").getText().contains("seed-regression"), row("seed").getText());
    select("seed");
    // the config of the shown run, and its model summary (165 parameters: 10·10+10 + 10·5+5)
    String config = (String) js("return document.getElementById('config').textContent");
    assertEquals("seed-regression", JSON.readTree(config).path("data").path("type").asText());
    until(d -> d.findElement(By.id("summary")).getText().contains("165"), "the model summary");
    // the three epochs of the finished run: 8 steps each
    until(d -> points("data-points") == 24, "the seed run's 24 steps on the loss chart");
    until(
        d -> "3".equals(d.findElement(By.id("metric-chart")).getDomAttribute("data-points")),
        "the val_mae of 3 epochs");
    // compare it with the attention run: both curves, and the configs' differences
    row("attention").findElement(By.cssSelector("input.compare")).click();
    until(d -> points("data-compare-points") > 0, "the compared run's curve");
    String diff = driver.findElement(By.id("config-diff")).getText();
    assertTrue(diff.contains("data.type"), diff);
    assertTrue(diff.contains("feature-selection"), diff);
    shot("runs-compared");
  }

  @Test
  void theCurveGainsPointsWhileARunTrains() throws Exception {
    open();
    Semaphore steps = new Semaphore(0);
    Path live = runs.resolve("live");
    Thread training =
        Thread.ofPlatform()
            .start(() -> {
              try (Assembly a =
                  Heed.assemble(
                      Heed.loadConfig(
                          Path.of("../examples/seed-simple.yaml"),
                          List.of(
                              "data.examples=300",
                              "training.epochs=3",
                              "training.stop.patience=0",
                              "training.stop.target_loss=null",
                              "backend=cpu")),
                      null)) {
                a.train(
                    live,
                    new TrainingListener() {
                      @Override
                      public void onStep(StepEvent e) {
                        // each step waits for the test: the run trains only as far as the
                        // test lets it (metrics.jsonl already holds the step)
                        steps.acquireUninterruptibly();
                      }
                    });
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try {
      select("live");
      // the first step is written and waits: one point
      until(d -> points("data-points") == 1, "the first step of the live run");
      assertTrue(training.isAlive());
      steps.release(4);
      until(d -> points("data-points") == 5, "5 steps of the live run");
      shot("live-5-steps");
      steps.release(6);
      until(d -> points("data-points") == 11, "11 steps of the live run");
      assertTrue(training.isAlive(), "the run is still training");
      // the first epoch (8 steps) is committed: the predict form comes up for the live run
      until(
          d -> d.findElements(By.cssSelector("#predict-inputs input")).size() == 10,
          "the predict form once the live run has a checkpoint");
      shot("live-11-steps");
    } finally {
      steps.release(1000);
      training.join(30_000);
    }
    assertFalse(training.isAlive());
    until(d -> points("data-points") == 24, "all 24 steps of the live run");
    until(
        d -> "3".equals(d.findElement(By.id("metric-chart")).getDomAttribute("data-points")),
        "3 epochs of val_mae");
  }

  @Test
  void theAttentionHeatmapOfChosenRowsRenders() throws Exception {
    open();
    select("attention");
    until(
        d -> !d.findElement(By.id("attention-rows")).getDomProperty("value").isBlank(),
        "example rows");
    String text = driver.findElement(By.id("attention-rows")).getDomProperty("value");
    double[][] rows = JSON.readValue(text, double[][].class);
    assertEquals(4, rows.length);
    driver.findElement(By.id("attention-go")).click();
    until(
        d -> "40".equals(d.findElement(By.id("attention-chart")).getDomAttribute("data-cells")),
        "a heatmap of 4 rows × 10 features");
    // the heatmap holds the weights the model gives those rows
    AttentionSample expected;
    try (TrainedModel m = Heed.open(runs.resolve("attention"), "cpu")) {
      expected = m.attention(List.of(rows)).orElseThrow();
    }
    JsonNode drawn =
        JSON.readTree(
            (String)
                js(
                    "return JSON.stringify(echarts.getInstanceByDom("
                        + "document.getElementById('attention-chart')).getOption().series[0].data)"));
    assertEquals(40, drawn.size());
    for (JsonNode cell : drawn) {
      int x = cell.get(0).asInt();
      int y = cell.get(1).asInt();
      assertEquals(expected.weights()[y][x], cell.get(2).asDouble(), 1e-12);
    }
    // and the canvas has been painted: pixels of more than one colour
    long colours =
        (Long)
            js(
                "const c = document.querySelector('#attention-chart canvas');"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "const s = new Set(); for (let i = 0; i < d.length; i += 16) s.add("
                    + "d[i] + ',' + d[i + 1] + ',' + d[i + 2]); return s.size;");
    assertTrue(colours > 10, colours + " colours on the heatmap's canvas");
    shot("attention-heatmap");
  }

  @Test
  void thePredictFormAnswers() throws Exception {
    open();
    select("seed");
    until(d -> d.findElements(By.cssSelector("#predict-inputs input")).size() == 10, "10 inputs");
    double[] row = {0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9, -1.0};
    for (int k = 0; k < 10; k++) {
      WebElement in = driver.findElement(By.id("predict-in-" + k));
      in.clear();
      in.sendKeys(Double.toString(row[k]));
    }
    driver.findElement(By.id("predict-go")).click();
    until(d -> d.findElements(By.cssSelector("#predict-result tbody tr")).size() == 5, "5 outputs");
    double[] expected;
    try (Predictor p = Predictor.open(runs.resolve("seed"), "cpu")) {
      expected = p.predict(List.of(row)).getFirst();
    }
    List<WebElement> out = driver.findElements(By.cssSelector("#predict-result tbody tr td.num"));
    for (int k = 0; k < 5; k++) {
      double shown = Double.parseDouble(out.get(k).getText());
      assertEquals(expected[k], shown, Math.abs(expected[k]) * 1e-5 + 1e-9, "output " + k);
    }
    assertTrue(driver.findElement(By.id("predict-msg")).getText().contains("epoch 3"));
    shot("predict");
  }
}
