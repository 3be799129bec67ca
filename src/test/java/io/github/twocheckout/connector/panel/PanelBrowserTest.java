package io.github.twocheckout.connector.panel;

import io.github.twocheckout.connector.reports.OrderFactsTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.twocheckout.connector.support.ConnectorTestBase;
import io.github.twocheckout.connector.support.InsPost;
import io.github.twocheckout.connector.support.RunningConnector;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The control panel in headless Chromium (Debian's chromium and chromium-driver): what a vendor does
 * in it, step by step, against the running connector. Screenshots of the main pages go to
 * target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PanelBrowserTest extends ConnectorTestBase {

    private static final Path SHOTS = Path.of("target/screenshots");
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void startBrowser() throws Exception {
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // The flags this machine needs: no sandbox as root, and no calls to Google's services.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1300,1000", "--user-data-dir=" + Files.createTempDirectory("panel-chromium"));
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private void scrollTo(WebElement e) {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", e);
    }

    /** The page's own script errors fail the test; a 401 the page handles (the login check) is expected. */
    @org.junit.jupiter.api.AfterEach
    void noScriptErrors() {
        List<String> severe = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource")).toList();
        assertThat(severe).isEmpty();
    }

    private void open(String hash) {
        browser.get(connector.baseUrl() + "/panel/" + hash);
    }

    private WebElement find(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    private void type(String css, String text) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(text);
    }

    private void logIn(String username, String password) {
        type("#username", username);
        type("#password", password);
        find("#login-button").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), username));
    }

    private void waitForText(String css, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    @Test
    @Order(1)
    void anAdminLogsIn() throws Exception {
        open("");
        find("#login-form");
        shot("01-login");
        type("#username", "admin");
        type("#password", "not-the-password");
        find("#login-button").click();
        waitForText("#flash", "wrong username or password");
        logIn("admin", RunningConnector.ADMIN_PASSWORD);
        waitForText("[data-test=connectors]", "ACME Suite");
        shot("02-connectors");
    }

    @Test
    @Order(2)
    void createsAConnectorAndAMapping() throws Exception {
        open("#/connectors");
        new Select(find("#new-connector select[name=vendorId]")).selectByVisibleText("ACME Software");
        type("#new-connector input[name=code]", "browser-shop");
        type("#new-connector input[name=name]", "Browser Shop");
        find("#new-connector button[type=submit]").click();
        waitForText("main h1", "Browser Shop");
        type("#new-mapping input[name=productCode]", "BROWSER-1");
        type("#new-mapping input[name=name]", "Browser Product «Ünïcode»");
        find("#new-mapping button[type=submit]").click();
        waitForText("[data-test=mappings]", "BROWSER-1");
        assertThat(connector.jdbc().queryForObject(
                "SELECT count(*) FROM product_mapping WHERE product_code = 'BROWSER-1'", Integer.class)).isEqualTo(1);
        shot("03-connector");
    }

    @Test
    @Order(3)
    void sendsATestInsAndSeesTheLicense() throws Exception {
        find("#send-test select[name=channel]");
        new Select(find("#send-test select[name=channel]")).selectByValue("ins");
        find("#send-test-button").click();
        waitForText("#test-result", "Accepted");
        WebElement licenses = find("[data-test=test-licenses]");
        wait.until(d -> licenses.getText().contains("TEST-"));
        assertThat(licenses.getText()).contains("ACTIVE", "Browser Product");
        scrollTo(licenses);
        shot("04-test-notification");
        licenses.findElement(By.cssSelector("tbody tr")).click();
        waitForText("[data-test=history]", "ISSUED");
        assertThat(find("[data-test=history]").getText()).contains("INS ORDER_CREATED");
        shot("05-license");
    }

    @Test
    @Order(4)
    void replaysAFailedNotificationAfterADryRun() throws Exception {
        InsPost post = InsPost.acme("ORDER_CREATED").item("BROWSER-2", "Browser Two");
        deliver(post, 1);
        assertThat(lastNotification(post.saleId())).containsEntry("status", "FAILED");
        long id = ((Number) lastNotification(post.saleId()).get("id")).longValue();

        // The vendor maps the missing product first, on the connector page.
        long connectorId = connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'browser-shop'", Long.class);
        open("#/connector/" + connectorId);
        type("#new-mapping input[name=productCode]", "BROWSER-2");
        type("#new-mapping input[name=name]", "Browser Two");
        find("#new-mapping button[type=submit]").click();
        waitForText("[data-test=mappings]", "BROWSER-2");

        open("#/dead-letter");
        waitForText("[data-test=dead-letter]", post.saleId());
        shot("06-dead-letter");
        find("[data-test=dead-letter]").findElements(By.cssSelector("tbody tr")).stream()
                .filter(r -> r.getText().contains(post.saleId())).findFirst().orElseThrow().click();
        waitForText("#raw-body", "item_id_1=BROWSER-2");
        assertThat(find("#verification").getText()).contains("md5_hash");
        find("#dry-run").click();
        waitForText("#replay-result", "issued 1 license(s) for Browser Two");
        assertThat(connector.licenses(post.saleId())).isEmpty();
        scrollTo(find("#replay-result"));
        shot("07-notification-dry-run");
        find("#replay").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(lastNotification(post.saleId()).get("status")));
        assertThat(connector.licenses(post.saleId())).hasSize(1);
        open("#/notification/" + id);
        waitForText("main dl", "PROCESSED");
    }

    @Test
    @Order(5)
    void aSupportUserReadsButCannotSeeOrChangeSecretsAndIsLockedOutOnceRemoved() throws Exception {
        open("#/users");
        type("#new-username", "support-bob");
        type("#new-password", "support-bob-password");
        find("#create-user").click();
        waitForText("[data-test=users]", "support-bob");
        shot("08-users");
        // Support sees a vendor only while the vendor grants access (here its admin is the operator's).
        open("#/vendors");
        find("[data-grant=acme]").click();
        waitForText("[data-test=support-acme]", "granted by admin");
        find("#logout").click();
        find("#login-form");

        logIn("support-bob", "support-bob-password");
        open("#/vendors");
        waitForText("[data-test=vendors]", "ACME Software");
        String page = browser.getPageSource();
        assertThat(page).doesNotContain("acme-key-2026", "acme-key-2025", "tango-acme", "old-acme", "globex-key", "globex-word");
        assertThat(browser.findElements(By.id("vendor-secrets"))).isEmpty();
        assertThat(find("header nav").getText()).doesNotContain("Users", "Export");
        shot("09-support-vendors");
        open("#/connectors");
        waitForText("[data-test=connectors]", "Browser Shop");
        assertThat(browser.findElements(By.id("new-connector"))).isEmpty();
        // What the page does not offer, the API refuses too.
        Object status = ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/session').then(r => r.json()).then(s => fetch('/api/vendors/1', {method: 'PUT',"
                        + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrfToken}, body: '{\"secretKey\":\"x\"}'}))"
                        + ".then(r => done(r.status));");
        assertThat(((Number) status).intValue()).isEqualTo(403);

        // The admin removes the account; the support user's next step meets the login form.
        Response admin = connector.http().contentType("application/json")
                .body(Map.of("username", "admin", "password", RunningConnector.ADMIN_PASSWORD)).post("/api/session");
        long bob = connector.jdbc().queryForObject("SELECT id FROM panel_user WHERE username = 'support-bob'", Long.class);
        connector.http().cookie("tco_session", admin.getCookie("tco_session"))
                .header("X-CSRF-Token", admin.jsonPath().getString("csrfToken")).delete("/api/users/" + bob).then().statusCode(200);
        find("header nav a[href='#/licenses']").click();
        find("#login-form");
        waitForText("#flash", "session ended");
        shot("10-support-locked-out");
        type("#username", "support-bob");
        type("#password", "support-bob-password");
        find("#login-button").click();
        waitForText("#flash", "wrong username or password");
        assertThat(List.of(browser.findElements(By.id("nav")).get(0).isDisplayed())).containsExactly(false);
    }

    @Test
    @Order(6)
    void theReportsPageShowsTheTotalsOfAPeriodAndOffersTheCsv() throws Exception {
        io.github.twocheckout.connector.support.SignedPost ipn = io.github.twocheckout.connector.support.SignedPost.ipn("COMPLETE")
                .set("CURRENCY", "EUR").set("IPN_DATE", "20260610120000");
        OrderFactsTest.line(ipn, "5001", "ACME-PRO", "ACME Pro, «Ünïcode»", 2, "6.17", "0", "0", "12.34", "", "REGULAR", "");
        deliverIpn(ipn, 1);
        open("");
        logIn("admin", RunningConnector.ADMIN_PASSWORD);
        open("#/reports?from=2026-06-01&to=2026-06-30");
        waitForText("[data-test=sales]", "ACME-PRO");
        assertThat(find("[data-test=sales]").getText()).contains("EUR", "12.34 (1 · 2 u)");
        assertThat(find("[data-test=sales-totals]").getText()).contains("12.34");
        assertThat(find("#csv-download").getAttribute("href")).endsWith("/api/reports/facts.csv?from=2026-06-01&to=2026-06-30");
        // The link downloads with the page's session: the CSV holds the order.
        Object csv = ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(document.getElementById('csv-download').href).then(r => r.text()).then(done);");
        assertThat((String) csv).contains(ipn.refno(), "\"ACME Pro, «Ünïcode»\"", "12.34");
        shot("11-reports");
    }

    @Test
    @Order(7)
    void theLicensePageShowsItsMachinesAndReleasesOneAndTheKeysPageRotates() throws Exception {
        io.github.twocheckout.connector.support.SignedPost ipn = io.github.twocheckout.connector.support.SignedPost.ipn("COMPLETE")
                .product("5016", "ACME-DESK", "ACME Desktop", 1);
        deliverIpn(ipn, 1);
        Map<String, Object> license = connector.licenses(ipn.refno()).get(0);
        for (String machine : List.of("studio-mac-0001", "office-pc-00002")) {
            connector.http().contentType("application/json").header("X-Forwarded-For", "198.51.100.77")
                    .body(Map.of("code", license.get("code"), "fingerprint", machine, "machineName", "Machine " + machine))
                    .post("/v1/licenses/activate").then().statusCode(200);
        }
        open("#/license/" + license.get("id")); // still the admin of the reports page
        waitForText("[data-test=activations]", "Machine studio-mac-0001");
        assertThat(find("[data-test=history]").getText()).contains("ACTIVATED");
        long seat = connector.jdbc().queryForObject("SELECT id FROM license_activation WHERE fingerprint = 'studio-mac-0001'", Long.class);
        WebElement release = find("[data-test=release-" + seat + "]");
        scrollTo(release);
        release.click();
        waitForText("[data-test=activations]", "by admin");
        assertThat(find("[data-test=history]").getText()).contains("DEACTIVATED");
        shot("12-license-activations");

        open("#/keys");
        WebElement keys = find("[data-test=signing-keys]");
        int before = keys.findElements(By.cssSelector("tbody tr")).size();
        find("#rotate-key").click();
        waitForText("#flash", "new key signs");
        wait.until(d -> d.findElements(By.cssSelector("[data-test=signing-keys] tbody tr")).size() == before + 1);
        assertThat(find("[data-test=signing-keys]").getText()).doesNotContainIgnoringCase("private");
        shot("13-signing-keys");
    }

    @Test
    @Order(8)
    void theDeliveriesPageAddsADestinationWithASecretMadeInTheBrowserThatIsNeverShownAgain() throws Exception {
        String name = "warehouse-" + System.nanoTime();
        Path dir = Files.createTempDirectory(Path.of("target"), "panel-events");
        open("#/deliveries"); // still the admin
        find("#destination-form select[name=connectorId]").sendKeys("ACME Suite");
        type("#destination-form input[name=name]", name);
        type("#destination-form input[name=uri]", "file:" + dir.toAbsolutePath());
        type("#destination-form input[name=types]", "license.issued");
        find("#destination-new-secret").click();
        String secret = find("#destination-secret").getAttribute("value");
        assertThat(secret).startsWith("whsec_");
        WebElement add = find("#destination-form button[type=submit]");
        scrollTo(add);
        add.click();
        waitForText("#flash", "Destination added");
        waitForText("[data-test=destinations]", name);
        assertThat(find("[data-test=destinations]").getText()).doesNotContain(secret.substring(6, 20));
        long id = connector.jdbc().queryForObject("SELECT id FROM event_destination WHERE name = ?", Long.class, name);
        try {
            // An order of the connector lands in the folder, as the JSON event the page lists.
            io.github.twocheckout.connector.support.SignedPost ipn = io.github.twocheckout.connector.support.SignedPost.ipn("COMPLETE")
                    .product("5001", "ACME-PRO", "ACME Pro", 1);
            deliverIpn(ipn, 1);
            wait.until(d -> {
                try (var files = Files.list(dir)) {
                    return files.count() == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            open("#/deliveries?status=SENT"); // another address than the page's own: the page is read again
            waitForText("[data-test=events]", "license.issued");
            // Both lists page like the others: the count, and the confirmations' own page keys in the address.
            assertThat(find("[data-test=events-count]").getText()).contains("in all");
            assertThat(find("[data-test=idn-count]").getText()).contains("in all");
            shot("14-deliveries");
            open("#/license/" + connector.licenses(ipn.refno()).get(0).get("id"));
            waitForText("[data-test=license-deliveries]", "license.issued");
        } finally {
            connector.jdbc().update("DELETE FROM event_destination WHERE id = ?", id);
        }
    }

    @Test
    @Order(9)
    void theConnectorPageLoadsPoolCodesFromACsvFile() throws Exception {
        long id = connector.jdbc().queryForObject("SELECT id FROM connector WHERE code = 'pied-race'", Long.class);
        Path csv = Files.createTempFile(Path.of("target"), "pool", ".csv");
        Files.writeString(csv, "code\nCSV-" + System.nanoTime() + "-1\nCSV-" + System.nanoTime() + "-2\n");
        open("#/connector/" + id); // still the admin
        waitForText("[data-test=code-source]", "pool of loaded codes");
        find("#pool-file").sendKeys(csv.toAbsolutePath().toString());
        WebElement load = find("#pool-upload-button");
        scrollTo(load);
        load.click();
        waitForText("#flash", "2 code(s) added");
        waitForText("[data-test=code-source]", "available");
        shot("15-code-pool");
    }

    @Test
    @Order(10)
    void theAuditPageShowsWhoDidWhatAndPages() throws Exception {
        open("#/audit"); // still the admin
        waitForText("[data-test=audit]", "login");
        assertThat(find("[data-test=audit]").getText()).contains("admin").contains("connector-pool-load");
        assertThat(find("[data-test=audit-count]").getText()).contains("in all");
        assertThat(find("#audit-csv").getAttribute("href")).contains("/api/audit.csv");
        shot("16-audit-log");
    }

    /** Logs out whoever is logged in, then in as this user. */
    private void logInAs(String username, String password) {
        open("");
        if (browser.findElement(By.id("logout")).isDisplayed()) {
            find("#logout").click();
        }
        find("#login-form");
        logIn(username, password);
    }

    private io.github.twocheckout.connector.support.PanelSession apiAs(String username, String password) {
        return io.github.twocheckout.connector.support.PanelSession.login(connector, username, password);
    }

    @Test
    @Order(11)
    void anOperatorCreatesTwoVendorsAndEachVendorsAdminSeesAndChangesOnlyTheirOwn() throws Exception {
        String run = String.valueOf(io.github.twocheckout.connector.support.SignedPost.nextNumber());
        logInAs("admin", RunningConnector.ADMIN_PASSWORD);
        for (String n : List.of("one", "two")) {
            open("#/vendors");
            type("#new-vendor-code", "vendor-" + n + "-" + run);
            type("#new-vendor-name", "Vendor " + n + " " + run);
            type("#new-vendor-email", "vendor-" + n + "@example.test");
            type("#new-vendor input[name=merchantCode]", ("V" + n + run).toUpperCase());
            type("#new-vendor input[name=secretKey]", "vendor-" + n + "-key-" + run);
            find("#create-vendor").click();
            waitForText("[data-test=vendors]", "Vendor " + n + " " + run);
        }
        shot("17-operator-vendors");
        var admin = apiAs("admin", RunningConnector.ADMIN_PASSWORD);
        Map<String, Long> connectors = new java.util.HashMap<>();
        Map<String, Long> vendors = new java.util.HashMap<>();
        for (String n : List.of("one", "two")) {
            long vendor = connector.jdbc().queryForObject("SELECT id FROM vendor WHERE code = ?", Long.class, "vendor-" + n + "-" + run);
            vendors.put(n, vendor);
            long c = admin.request().body(Map.of("vendorId", vendor, "code", "app-" + n, "name", "App " + n + " " + run))
                    .post("/api/connectors").then().statusCode(201).extract().jsonPath().getLong("id");
            admin.request().body(Map.of("productId", "88" + run.substring(Math.max(0, run.length() - 5)) + (n.equals("one") ? 1 : 2),
                    "name", "App " + n + " Pro")).post("/api/connectors/" + c + "/mappings").then().statusCode(201);
            connectors.put(n, c);
        }
        // The operator gives each vendor its own admin, in the panel.
        for (String n : List.of("one", "two")) {
            open("#/users");
            type("#new-username", "admin-" + n + "-" + run);
            type("#new-password", "admin-" + n + "-password");
            new Select(find("#new-user-role")).selectByVisibleText("vendor-admin");
            Select vendorList = new Select(find("#new-user-vendors"));
            vendorList.deselectAll();
            vendorList.selectByVisibleText("Vendor " + n + " " + run);
            find("#create-user").click();
            waitForText("[data-test=users]", "admin-" + n + "-" + run);
        }
        shot("18-operator-users");

        // Vendor one's admin: their vendor, connector and licenses only.
        logInAs("admin-one-" + run, "admin-one-password");
        assertThat(find("#who").getText()).contains("vendor-admin", "Vendor one " + run);
        waitForText("[data-test=connectors]", "App one " + run);
        assertThat(find("[data-test=connectors]").getText()).doesNotContain("App two " + run, "ACME");
        assertThat(find("header nav").getText()).contains("Users", "Audit").doesNotContain("Export");
        open("#/connector/" + connectors.get("one"));
        find("#edit-connector");
        find("#send-test-button").click();
        waitForText("#test-result", "Accepted");
        waitForText("[data-test=test-licenses]", "App one Pro");
        shot("19-vendor-admin-connector");
        open("#/connector/" + connectors.get("two"));
        waitForText("#flash", "no connector " + connectors.get("two"));
        open("#/vendors");
        waitForText("[data-test=vendors]", "Vendor one " + run);
        assertThat(find("[data-test=vendors]").getText()).doesNotContain("Vendor two " + run, "ACME");
        assertThat(browser.findElements(By.id("new-vendor"))).isEmpty();

        // Vendor one grants the operator's support team access; a support user sees vendor one, not two.
        admin.createUser("support-" + run, "support-" + run + "-password", "support");
        find("[data-grant=vendor-one-" + run + "]").click();
        waitForText("[data-test=support-vendor-one-" + run + "]", "granted by admin-one-" + run);
        shot("20-vendor-grants-support");
        var vendorOneAdmin = apiAs("admin-one-" + run, "admin-one-password");

        logInAs("support-" + run, "support-" + run + "-password");
        open("#/licenses");
        waitForText("[data-test=licenses]", "App one Pro");
        assertThat(find("[data-test=licenses-count]").getText()).contains("in all");
        assertThat(browser.findElements(By.id("edit-connector"))).isEmpty();
        shot("21-support-sees-granted-vendor");
        // Vendor one revokes while support's session is open: the next click no longer shows it.
        vendorOneAdmin.request().delete("/api/vendors/" + vendors.get("one") + "/support-access").then().statusCode(200);
        open("#/connector/" + connectors.get("one"));
        waitForText("#flash", "no connector " + connectors.get("one"));
        open("#/licenses");
        waitForText("[data-test=licenses-count]", "in all");
        assertThat(find("[data-test=licenses]").getText()).doesNotContain("App one Pro");
        shot("22-support-after-revocation");

        // A vendor's viewer reads and changes nothing.
        vendorOneAdmin.createUser("viewer-one-" + run, "viewer-one-password", "vendor-viewer");
        logInAs("viewer-one-" + run, "viewer-one-password");
        open("#/connector/" + connectors.get("one"));
        waitForText("main h1", "App one " + run);
        assertThat(browser.findElements(By.id("edit-connector"))).isEmpty();
        assertThat(browser.findElements(By.id("send-test"))).isEmpty();
        assertThat(find("header nav").getText()).doesNotContain("Users", "Audit", "Export");
        shot("23-vendor-viewer");

        // Everything is on record, with who did it; the grant and revocation are vendor one's.
        logInAs("admin-one-" + run, "admin-one-password");
        open("#/audit");
        waitForText("[data-test=audit]", "vendor-support-revoke");
        assertThat(find("[data-test=audit]").getText()).contains("vendor-support-grant", "connector-test", "user-create")
                .doesNotContain("admin-two-" + run);
        shot("24-vendor-audit");
    }

    @Test
    @Order(12)
    void listsPageAndSortAndReportsDrawTheirCharts() throws Exception {
        logInAs("admin", RunningConnector.ADMIN_PASSWORD);
        open("#/licenses?limit=2");
        waitForText("[data-test=licenses-count]", "1–2 shown");
        String first = find("[data-test=licenses] tbody tr").getText();
        find("[data-test=licenses-next]").click();
        waitForText("[data-test=licenses-count]", "3–4 shown");
        assertThat(find("[data-test=licenses] tbody tr").getText()).isNotEqualTo(first);
        find("[data-test=licenses] th a[data-sort=code]").click();
        wait.until(ExpectedConditions.urlContains("sort=code"));
        waitForText("[data-test=licenses] th", "▲");
        shot("25-licenses-paged-sorted");
        type("#license-q", "ACME Pro");
        find("#license-search button[type=submit]").click();
        wait.until(ExpectedConditions.urlContains("q=ACME"));

        open("#/reports?from=2026-06-01&to=2026-06-30&includeTest=true");
        for (String chart : List.of("chart-licenses", "chart-revenue", "chart-failures")) {
            find("[data-test=" + chart + "] canvas");
        }
        assertThat(find("[data-test=chart-revenue]").getText()).contains("EUR");
        scrollTo(find("[data-test=chart-revenue]"));
        shot("26-reports-charts");
    }
}
