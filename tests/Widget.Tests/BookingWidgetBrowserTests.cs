using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Scheduling.TestSupport;
using Scheduling.Widget.Tests.Harness;

namespace Scheduling.Widget.Tests;

/// <summary>
/// The booking widget in a real browser (headless Debian chromium through Playwright) against the host on a real port.
/// The visitor's browser is in New York; the shop's location is on US/Pacific time, three hours behind all year.
/// Every step is photographed under .tmp/test-artifacts/widget/{test}/.
/// </summary>
public sealed partial class BookingWidgetBrowserTests(WidgetHost host) : IClassFixture<WidgetHost>
{
    private const string VisitorZone = "America/New_York";

    // A week ahead, so no notice window or the time of day of the test run changes which times are free.
    private static readonly string Day = DateTime.UtcNow.Date.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task AVisitorBooksThroughThePageAndTheAppointmentExistsAtTheRightLocalTime(string device)
    {
        var shop = await OpenShopAsync(providers: 2, services: 2);
        var (page, shots) = await OpenAsync($"book-{device}", device == "phone");

        await page.GotoAsync($"{host.BaseUrl}/book/{shop.Owner.Nickname}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a service" }));
        await shots.TakeAsync("service");
        await page.GetByRole(AriaRole.Button, new() { Name = "Haircut" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a provider" }));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Any available provider" }));
        await shots.TakeAsync("provider");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bo" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a time" }));
        await page.GetByLabel("Date").FillAsync(Day);
        await Expect(page.GetByText($"Times are shown in {VisitorZone}."));
        var slot = page.GetByRole(AriaRole.Button, new() { Name = "13:00" });
        await Expect(slot);
        await shots.TakeAsync("time");
        await slot.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your details" }));
        await Expect(page.GetByText("The location is in US/Pacific"));
        await page.GetByLabel("Name").FillAsync("Vi Sitor");
        await page.GetByLabel("E-mail").FillAsync($"vi-{device}@example.test");
        await page.GetByLabel("Phone").FillAsync("555-0100");
        await page.GetByLabel("Allergies").FillAsync("none");
        await shots.TakeAsync("details");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are booked" }));
        await Expect(page.GetByText("See you soon at the Corner Salon"));
        await shots.TakeAsync("confirmation");

        var appointment = Assert.Single((await shop.Owner.GetAsync("/api/v2/appointment")).EnumerateArray());
        Assert.Equal(($"{Day} 10:00", 553, shop.Providers[1]), (appointment.GetProperty("start_date").GetString(), appointment.GetProperty("timezone_id").GetInt32(), appointment.GetProperty("employee_id").GetInt64()));
        Assert.Equal(("Vi Sitor", shop.Services[0]), (appointment.GetProperty("client_name").GetString(), appointment.GetProperty("service_id").GetInt64()));
        Assert.Contains("none", appointment.GetProperty("custom_fields").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAccountsLanguageAndHostTimeOptionsShapeThePage()
    {
        var shop = await OpenShopAsync(providers: 1, services: 1);
        await shop.Owner.PostAsync("/api/v2/account/saveOptions", new { lang = "fr", show_in_host_or_client_time = 1, hide_timezone_alert = 1, book_another_appointment = 1 });
        var (page, shots) = await OpenAsync("options-fr", phone: false);

        await page.GotoAsync($"{host.BaseUrl}/book/{shop.Owner.Nickname}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choisissez une heure" }));
        await page.GetByLabel("Date").FillAsync(Day);
        // The location's own times (09:00-17:00 Pacific), with no note about zones.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "09:00" }));
        Assert.Equal(0, await page.Locator(".note").CountAsync());
        await shots.TakeAsync("times");
        await page.GetByRole(AriaRole.Button, new() { Name = "09:00" }).ClickAsync();
        await page.GetByLabel("Nom").FillAsync("Vi Sitor");
        await page.GetByLabel("E-mail").FillAsync("fr@example.test");
        await page.GetByLabel("Allergies").FillAsync("aucune");
        await page.GetByRole(AriaRole.Button, new() { Name = "Réserver", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Votre rendez-vous est réservé" }));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Prendre un autre rendez-vous" }));
        await shots.TakeAsync("confirmation");

        Assert.Equal($"{Day} 09:00", Assert.Single((await shop.Owner.GetAsync("/api/v2/appointment")).EnumerateArray()).GetProperty("start_date").GetString());
    }

    [Fact]
    public async Task CancelingThroughTheEmailedLinkFreesTheTime()
    {
        var shop = await OpenShopAsync(providers: 1, services: 1);
        await BookThroughApiAsync(shop, "10:00", "cy@example.test");
        Assert.DoesNotContain("10:00:00", await FreeTimesAsync(shop));
        var link = ManageLink().Matches((await host.Mail.WaitForAsync("cy@example.test", "/manage/c")).TextBody).Select(m => m.Value).First(l => l.Contains("/manage/c", StringComparison.Ordinal));
        var (page, shots) = await OpenAsync("cancel-link", phone: false);

        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your appointment" }));
        await Expect(page.GetByText("Haircut"));
        await shots.TakeAsync("summary");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel appointment" }).ClickAsync();
        await Expect(page.GetByText("Your appointment is canceled.").First);
        await shots.TakeAsync("canceled");

        Assert.Contains("10:00:00", await FreeTimesAsync(shop));
        Assert.Equal(3, Assert.Single((await shop.Owner.GetAsync("/api/v2/appointment")).EnumerateArray()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ReschedulingThroughTheEmailedLinkMovesTheAppointment()
    {
        var shop = await OpenShopAsync(providers: 1, services: 1);
        await BookThroughApiAsync(shop, "10:00", "ro@example.test");
        var link = ManageLink().Matches((await host.Mail.WaitForAsync("ro@example.test", "/manage/r")).TextBody).Select(m => m.Value).First(l => l.Contains("/manage/r", StringComparison.Ordinal));
        var (page, shots) = await OpenAsync("reschedule-link", phone: true);

        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reschedule" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new time" }));
        await shots.TakeAsync("times");
        await page.GetByRole(AriaRole.Button, new() { Name = "15:00" }).ClickAsync();
        await shots.TakeAsync("chosen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reschedule" }).ClickAsync();
        await Expect(page.GetByText("Your appointment is moved.").First);
        await shots.TakeAsync("moved");

        var appointment = Assert.Single((await shop.Owner.GetAsync("/api/v2/appointment")).EnumerateArray());
        Assert.Equal($"{Day} 12:00", appointment.GetProperty("start_date").GetString());
    }

    [Fact]
    public async Task ATimeTakenByAnotherBookingBeforeSubmittingGetsAClearMessageAndFreshTimes()
    {
        var shop = await OpenShopAsync(providers: 1, services: 1);
        var (page, shots) = await OpenAsync("slot-taken", phone: false);

        await page.GotoAsync($"{host.BaseUrl}/book/{shop.Owner.Nickname}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a time" }));
        await page.GetByLabel("Date").FillAsync(Day);
        await page.GetByRole(AriaRole.Button, new() { Name = "13:00" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Vi Sitor");
        await page.GetByLabel("E-mail").FillAsync("late@example.test");
        await page.GetByLabel("Allergies").FillAsync("none");
        await shots.TakeAsync("details");

        // Someone books 10:00 Pacific (13:00 in New York) through the API while the visitor types.
        await shop.Owner.PostAsync("/api/v2/appointment", new
        {
            service_id = shop.Services[0],
            location_id = shop.Location,
            employee_id = shop.Providers[0],
            start_date = $"{Day} 10:00",
            client_name = "Quick Booker",
            client_email = "quick@example.test",
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        await Expect(page.GetByText("Sorry, that time was just taken. Please choose another time."));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a time" }));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "14:00" }));
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "13:00" }).CountAsync());
        await shots.TakeAsync("fresh-times");
        Assert.Single((await shop.Owner.GetAsync("/api/v2/appointment")).EnumerateArray());
    }

    [Theory]
    [InlineData("overlay")]
    [InlineData("inline")]
    public async Task TheSnippetFromGetWidgetCodeLoadsTheWidgetInAHostPage(string display)
    {
        var shop = await OpenShopAsync(providers: 1, services: 2);
        var code = await shop.Owner.GetAsync($"/api/v2/account/getWidgetCode?overlay_option={display}&button_name=Book%20with%20us&button_color=%23004488&defaultService={shop.Services[1]}");
        var snippet = code.GetProperty("html").GetString()!;
        var (page, shots) = await OpenAsync($"embed-{display}", phone: false);

        // The customer's own site, on another origin than the booking host.
        await using var site = new CustomerSite($"<!doctype html><html lang=\"en\"><head><title>Customer site</title></head><body><h1>Welcome to our salon</h1>{snippet}</body></html>");
        await page.GotoAsync(site.Url);
        await shots.TakeAsync("host-page");
        if (display == "overlay")
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Book with us" }).ClickAsync();
        }

        var widget = page.FrameLocator("iframe");
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Corner Salon" }));
        // defaultService skips the service step: the second service's times are shown at once.
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Choose a time" }));
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = ":" }).First);
        await shots.TakeAsync("widget-open");
    }

    /// <summary>A booking through the public route, as the page makes it (the client gets the e-mail with the links).</summary>
    private async Task BookThroughApiAsync(Shop shop, string time, string email)
    {
        var booked = await host.Http.PostAsJsonAsync($"/api/v2/public/{shop.Owner.Nickname}/book", new
        {
            service_id = shop.Services[0],
            location_id = shop.Location,
            start_date = $"{Day} {time}",
            client_name = "Cy Client",
            client_email = email,
            custom_fields = new Dictionary<string, string[]> { [shop.Field.ToString(CultureInfo.InvariantCulture)] = ["none", "Allergies"] },
        });
        await WidgetHost.ReadAsync(booked);
    }

    private async Task<string[]> FreeTimesAsync(Shop shop)
    {
        var answer = await WidgetHost.ReadAsync(await host.Http.GetAsync($"/api/v2/public/{shop.Owner.Nickname}/availability?service_id={shop.Services[0]}&location_id={shop.Location}&start_date={Day}"));
        return [.. answer.GetProperty("times").GetProperty(Day).EnumerateArray().Select(t => t.GetString()!)];
    }

    /// <summary>A fresh page in its own context, in the visitor's zone, desktop- or phone-sized, and where its screenshots go.</summary>
    private async Task<(IPage Page, Screenshots Shots)> OpenAsync(string name, bool phone)
    {
        var context = await host.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            TimezoneId = VisitorZone,
            Locale = "en-US",
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return (page, new Screenshots(page, RepositoryPaths.Combine(".tmp", "test-artifacts", "widget", name)));
    }

    private static Task Expect(ILocator locator) => Assertions.Expect(locator).ToBeVisibleAsync();

    /// <summary>One location (US/Pacific), services and providers offering all of them there every day 09:00-17:00, a required booking-form field.</summary>
    private async Task<Shop> OpenShopAsync(int providers, int services)
    {
        var owner = await host.SignUpAsync();
        var serviceIds = new List<long>
        {
            (await owner.PostAsync("/api/v2/service", new { name = "Haircut", duration = 60, cancel_appointment = 2, reschedule_appointment = 2, widget_message = "See you soon at the Corner Salon" })).GetProperty("id").GetInt64(),
        };
        if (services > 1)
        {
            serviceIds.Add((await owner.PostAsync("/api/v2/service", new { name = "Coloring", duration = 30 })).GetProperty("id").GetInt64());
        }

        string[] names = ["Ann", "Bo"];
        var providerIds = new List<long>();
        for (var i = 0; i < providers; i++)
        {
            providerIds.Add((await owner.PostAsync("/api/v2/employee", new { first_name = names[i], last_name = "Lee", email = $"{names[i].ToLowerInvariant()}-{Guid.NewGuid():N}@example.test" }))[0].GetProperty("id").GetInt64());
        }

        var location = (await owner.PostAsync("/api/v2/location", new { name = "Main street" }))[0].GetProperty("id").GetInt64();
        await owner.PostAsync($"/api/v2/location/assignServices?location_id={location}", providerIds.ToDictionary(p => p.ToString(CultureInfo.InvariantCulture), _ => serviceIds.ToArray()));
        var hours = new { time = new[] { new[] { "09:00", "17:00" } } };
        var days = new Dictionary<string, object> { ["mo"] = hours, ["tu"] = hours, ["we"] = hours, ["th"] = hours, ["fr"] = hours, ["sa"] = hours, ["su"] = hours };
        foreach (var provider in providerIds)
        {
            await owner.PutAsync($"/api/v2/employee/{provider}/assignAvailability", new { availabilities = new[] { new { repeat = 1, location_id = location, days } } });
        }

        var field = (await owner.PostAsync("/api/v2/customfield", new { label = "Allergies", type = 0, required = 1, visibility = 1 })).GetProperty("id").GetInt64();
        return new Shop(owner, location, [.. serviceIds], [.. providerIds], field);
    }

    [GeneratedRegex(@"http://\S+/manage/\S+")]
    private static partial Regex ManageLink();

    private sealed record Shop(Owner Owner, long Location, long[] Services, long[] Providers, long Field);

    /// <summary>Numbered full-page screenshots of one test's steps.</summary>
    private sealed class Screenshots(IPage page, string folder)
    {
        private int _step;

        public async Task TakeAsync(string step)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{++_step:00}-{step}.png"), FullPage = true });
        }
    }
}
