using System.Net.Http.Json;
using System.Text;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Reminders;

namespace Scheduling.ApiHost.Tests.Notifications;

/// <summary>POST /appointment/sendReminder: the reminder now, to the client, the provider or both.</summary>
public abstract class SendReminderApiTests<TStorage>(TStorage storage) : ReminderTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task SendReminderSendsToTheClientTheProviderOrBothAndSaysWhom()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        var provider = (await tenant.GetAsync($"/api/v2/appointment/{id}")).Data[0].GetProperty("provider_email").GetString()!;

        var client = await tenant.PostJsonAsync("/api/v2/appointment/sendReminder", new { appointment_id = id, send_to = "client" });
        Assert.Equal((200, 0, "Sent to client"), (client.HttpStatus, client.StatusCode, client.StatusDescriptions));
        Assert.Equal(["ann@example.test"], Reminders(id).Select(m => m.To));

        var toProvider = await tenant.PostFormAsync("/api/v2/appointment/sendReminder", new { appointment_id = id.ToString(System.Globalization.CultureInfo.InvariantCulture), send_to = "provider" });
        Assert.Equal((0, "Sent to provider"), (toProvider.StatusCode, toProvider.StatusDescriptions));
        Assert.Equal(["ann@example.test", provider], Reminders(id).Select(m => m.To));

        var both = await Envelope.ReadAsync(await tenant.Client.PostAsync($"/api/v2/appointment/sendreminder?appointment_id={id}", null));
        Assert.Equal((0, "Sent to provider and client"), (both.StatusCode, both.StatusDescriptions));
        Assert.Equal(4, Reminders(id).Count);
        Assert.Contains("https://book.example.test/manage/", Reminders(id, "ann@example.test")[^1].TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendReminderRefusesABadSendToAMissingOrMalformedIdAndBadJson()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));

        var everyone = await tenant.PostJsonAsync("/api/v2/appointment/sendReminder", new { appointment_id = id, send_to = "everyone" });
        var missing = await tenant.PostJsonAsync("/api/v2/appointment/sendReminder", new { send_to = "client" });
        var words = await tenant.PostJsonAsync("/api/v2/appointment/sendReminder", new { appointment_id = "twelve" });
        var json = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/appointment/sendReminder", new StringContent("{\"appointment_id\": ", Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), everyone.Status());
        Assert.Contains("send_to", everyone.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((400, 1), missing.Status());
        Assert.Contains("appointment_id", missing.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((400, 1), words.Status());
        Assert.Contains("appointment_id", words.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((400, 1), json.Status());
        Assert.Empty(Reminders(id));
    }

    [Fact]
    public async Task AnotherCompanysAppointmentIsNotFoundAndNothingIsSent()
    {
        var owner = await SignUpAsync("owner");
        var shop = await owner.OpenShopAsync();
        var id = await owner.BookIdAsync(shop.Booking("10:00"));
        var intruder = await SignUpAsync("intruder");

        var foreign = await intruder.PostJsonAsync("/api/v2/appointment/sendReminder", new { appointment_id = id });
        var unknown = await owner.PostJsonAsync("/api/v2/appointment/sendReminder", new { appointment_id = id + 1_000_000 });

        Assert.Equal((404, 7), foreign.Status());
        Assert.Equal((404, 7), unknown.Status());
        Assert.Empty(Reminders(id));
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyDoesNotSendAgain()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));

        var answers = new List<Envelope>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/appointment/sendReminder") { Content = JsonContent.Create(new { appointment_id = id, send_to = "client" }) };
            request.Headers.Add("Idempotency-Key", $"remind-{id}");
            answers.Add(await Envelope.ReadAsync(await tenant.Client.SendAsync(request)));
        }

        Assert.All(answers, a => Assert.Equal((0, "Sent to client"), (a.StatusCode, a.StatusDescriptions)));
        Assert.Single(Reminders(id, "ann@example.test"));
    }

    [Fact]
    public async Task AReminderSentByHandLeavesTheAutomaticOneInPlace()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        await tenant.PostJsonAsync("/api/v2/appointment/sendReminder", new { appointment_id = id, send_to = "client" });
        await AdvanceToAsync(TenOClock.AddHours(-24));

        Assert.Equal(2, Reminders(id, "ann@example.test").Count);
    }
}

public sealed class SendReminderApiMemoryTests(MemoryApiStorage storage) : SendReminderApiTests<MemoryApiStorage>(storage);

public sealed class SendReminderApiPostgresTests(PostgresApiStorage storage) : SendReminderApiTests<PostgresApiStorage>(storage);
