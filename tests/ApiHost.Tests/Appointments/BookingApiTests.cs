using System.Net.Http.Json;
using System.Text.Json;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;

namespace Scheduling.ApiHost.Tests.Appointments;

/// <summary>Booking, rescheduling and freeing time through /appointment: the rules of SPEC §8 and the no-double-booking guarantee.</summary>
public abstract class BookingApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private const int Requests = 64;

    [Fact]
    public async Task ABookingAnswersTheAppointmentInTheLocationsZoneAndReadsBackTheSame()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        var booked = await tenant.BookAsync(shop.Booking("10:00", new { note = "first visit", client_phone = "555-0100" }));
        var id = booked.Data.GetProperty("id").GetInt64();
        var read = await tenant.GetAsync($"/api/v2/appointment/{id}");

        Assert.Equal((200, 0), booked.Status());
        var appointment = booked.Data;
        Assert.Equal(("2031-03-03 10:00", "2031-03-03 11:00", 3_600_000L), (appointment.GetProperty("start_date").GetString(), appointment.GetProperty("end_date").GetString(), appointment.GetProperty("length").GetInt64()));
        Assert.Equal((shop.Employee, shop.Location, shop.Service, tenant.CompanyId), (appointment.GetProperty("employee_id").GetInt64(), appointment.GetProperty("location_id").GetInt64(), appointment.GetProperty("service_id").GetInt64(), appointment.GetProperty("company_id").GetInt64()));
        Assert.Equal((553, "GMT -08:00", -28_800), (appointment.GetProperty("timezone_id").GetInt32(), appointment.GetProperty("timezone_short").GetString(), appointment.GetProperty("timezone_offset_seconds").GetInt32()));
        Assert.Equal((1, "first visit", "Ann Lee"), (appointment.GetProperty("status").GetInt32(), appointment.GetProperty("note").GetString(), appointment.GetProperty("client_name").GetString()));
        Assert.True(appointment.GetProperty("client_id").GetInt64() > 0);
        Assert.Equal((200, 0), read.Status());
        var single = Assert.Single(read.Data.EnumerateArray());
        Assert.Equal(appointment.GetProperty("start_date").GetString(), single.GetProperty("start_date").GetString());
        Assert.EndsWith("@example.test", single.GetProperty("provider_email").GetString());
    }

    [Fact]
    public async Task TimesAreReadAndShownInTheZoneARequestNames()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        // 18:00 UTC and 13:00 in New York (id 548, US/Eastern) are both 10:00 at the location (US/Pacific).
        var utc = await tenant.BookAsync(shop.Booking("10:00", new { start_date = $"{BookingTestData.Day}T18:00:00Z" }));
        var eastern = await tenant.BookAsync(shop.Booking("10:00", new { start_date = $"{BookingTestData.Day} 14:00", timezone_id = 548 }, email: "bo@example.test"));
        var shown = await tenant.GetAsync($"/api/v2/appointment/{utc.Data.GetProperty("id").GetInt64()}?timezone_id=548");
        var stored = await tenant.GetAsync($"/api/v2/appointment/{utc.Data.GetProperty("id").GetInt64()}");

        Assert.Equal((200, 0), utc.Status());
        Assert.Equal(("2031-03-03 14:00", 548, "GMT -05:00"), (eastern.Data.GetProperty("start_date").GetString(), eastern.Data.GetProperty("timezone_id").GetInt32(), eastern.Data.GetProperty("timezone_short").GetString()));
        Assert.Equal(("2031-03-03 13:00", -18_000), (shown.Data[0].GetProperty("start_date").GetString(), shown.Data[0].GetProperty("timezone_offset_seconds").GetInt32()));
        Assert.Equal(("2031-03-03 10:00", 553), (stored.Data[0].GetProperty("start_date").GetString(), stored.Data[0].GetProperty("timezone_id").GetInt32()));
    }

    [Fact]
    public async Task TheClientIsCreatedByTheFirstBookingAndReusedByTheNextWithTheSameEmail()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        var first = await tenant.BookAsync(shop.Booking("10:00", email: "Bo@Example.test"));
        var second = await tenant.BookAsync(shop.Booking("12:00", new { client_name = "Bo Renamed" }, email: "bo@example.TEST"));
        // Neither an earlier booking nor a later one that was refused moves the client's latest appointment.
        var earlier = await tenant.BookAsync(shop.Booking("09:00", new { client_name = "Bo Renamed" }, email: "bo@example.test"));
        await tenant.BookIdAsync(shop.Booking("16:00", email: "cy@example.test"));
        var refused = await tenant.BookAsync(shop.Booking("16:00", new { client_name = "Bo Renamed" }, email: "bo@example.test"));
        var clients = await tenant.GetAsync("/api/v2/client?email=bo@example.test");

        Assert.Equal(first.Data.GetProperty("client_id").GetInt64(), second.Data.GetProperty("client_id").GetInt64());
        Assert.Equal(((200, 0), (409, 10)), (earlier.Status(), refused.Status()));
        var client = Assert.Single(clients.Data.EnumerateArray());
        Assert.Equal(("Bo Renamed", shop.Employee), (client.GetProperty("name").GetString(), client.GetProperty("employee_id").GetInt64()));
        Assert.Equal("2031-03-03T20:00:00Z", client.GetProperty("last_app_date").GetString());
    }

    [Fact]
    public async Task TheStatusStartsAsTheAccountAndTheServiceSay()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var autoConfirmed = await tenant.CreateServiceAsync("Auto", 30, new { auto_confirm = 1 });
        await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={shop.Location}", new Dictionary<string, long[]> { [shop.Employee.ToString(System.Globalization.CultureInfo.InvariantCulture)] = [shop.Service, autoConfirmed] });

        var plain = await tenant.BookAsync(shop.Booking("09:00"));
        await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { email_confirmation = 1 });
        var confirmByEmail = await tenant.BookAsync(shop.Booking("10:00"));
        var auto = await tenant.BookAsync(shop.Booking("11:00", new { service_id = autoConfirmed }));
        var given = await tenant.BookAsync(shop.Booking("12:00", new { status = 8 }));

        Assert.Equal([1, 0, 2, 8], new[] { plain, confirmByEmail, auto, given }.Select(e => e.Data.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task WithoutAnEmployeeTheLocationAssignsTheFreeOnesInTurnAndThenTheTimeIsOccupied()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(employees: 2);

        var first = await tenant.BookAsync(shop.Booking("10:00", new { employee_id = 0 }));
        var second = await tenant.BookAsync(shop.Booking("10:00", new { employee_id = 0 }));
        var third = await tenant.BookAsync(shop.Booking("10:00", new { employee_id = 0 }));
        var withoutLocation = await tenant.BookAsync(shop.Booking("12:00", new { employee_id = 0, location_id = 0 }));

        Assert.Equal((0, 0), (first.StatusCode, second.StatusCode));
        Assert.Equal(shop.Employees.Order(), new[] { first, second }.Select(e => e.Data.GetProperty("employee_id").GetInt64()).Order());
        Assert.Equal((409, 10), third.Status());
        Assert.Equal((0, shop.Location), (withoutLocation.StatusCode, withoutLocation.Data.GetProperty("location_id").GetInt64()));
    }

    [Fact]
    public async Task ATimeTheEmployeeDoesNotOfferIsRefusedAsNotAvailable()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var other = await tenant.CreateEmployeeAsync("Other");

        Envelope[] refused =
        [
            await tenant.BookAsync(shop.Booking("08:00")),
            await tenant.BookAsync(shop.Booking("16:30")),
            await tenant.BookAsync(shop.Booking("10:10")),
            await tenant.BookAsync(shop.Booking("10:00", new { start_date = "2020-03-02 10:00" })),
            await tenant.BookAsync(shop.Booking("10:00", new { employee_id = other })),
            // 02:30 does not exist in US/Pacific on 2031-03-09 (spring forward).
            await tenant.BookAsync(shop.Booking("10:00", new { start_date = "2031-03-09 02:30" })),
        ];

        Assert.All(refused, r => Assert.Equal((422, 9), r.Status()));
        Assert.Empty((await tenant.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }

    [Fact]
    public async Task MalformedBookingsAreRefusedNamingTheField()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        var missing = await tenant.PostJsonAsync("/api/v2/appointment", new { service_id = shop.Service, start_date = $"{BookingTestData.Day} 10:00", client_name = "Ann" });
        var badDate = await tenant.BookAsync(shop.Booking("10:00", new { start_date = "2031-02-30 10:00" }));
        var noTime = await tenant.BookAsync(shop.Booking("10:00", new { start_date = "2031-03-03" }));
        var badId = await tenant.BookAsync(shop.Booking("10:00", new { employee_id = "abc" }));
        var badStatus = await tenant.BookAsync(shop.Booking("10:00", new { status = 5 }));
        var canceled = await tenant.BookAsync(shop.Booking("10:00", new { status = 3 }));
        var longName = await tenant.BookAsync(shop.Booking("10:00", new { client_name = new string('x', 129) }));
        var badEmail = await tenant.BookAsync(shop.Booking("10:00", new { client_email = "not-an-email" }));
        var badFields = await tenant.BookAsync(shop.Booking("10:00", new { custom_fields = 12 }));
        var badJson = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/appointment", new StringContent("{\"service_id\": ", System.Text.Encoding.UTF8, "application/json")));
        var badZone = await tenant.BookAsync(shop.Booking("10:00", new { timezone_id = 99999 }));

        Assert.StartsWith("client_email:", missing.StatusDescriptions);
        Assert.StartsWith("start_date:", badDate.StatusDescriptions);
        Assert.StartsWith("start_date:", noTime.StatusDescriptions);
        Assert.StartsWith("employee_id:", badId.StatusDescriptions);
        Assert.StartsWith("status:", badStatus.StatusDescriptions);
        Assert.StartsWith("status:", canceled.StatusDescriptions);
        Assert.StartsWith("client_name:", longName.StatusDescriptions);
        Assert.StartsWith("client_email:", badEmail.StatusDescriptions);
        Assert.StartsWith("custom_fields:", badFields.StatusDescriptions);
        Assert.StartsWith("body:", badJson.StatusDescriptions);
        Assert.StartsWith("timezone_id:", badZone.StatusDescriptions);
        Assert.All(new[] { missing, badDate, noTime, badId, badStatus, canceled, longName, badEmail, badFields, badJson, badZone }, r => Assert.Equal((400, 1), r.Status()));
    }

    [Fact]
    public async Task AFormPostWithTheBookingInItsDataFieldBooksToo()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        var booked = await tenant.PostFormAsync("/api/v2/appointment", shop.Booking("10:00", new { custom_fields = "{\"7\": [\"blue\", \"Colour\"]}" }));

        Assert.Equal((200, 0), booked.Status());
        Assert.Equal("""{"7":["blue","Colour"]}""", booked.Data.GetProperty("custom_fields").GetRawText());
    }

    [Fact]
    public async Task CustomFieldsAreCheckedAgainstTheBookingFormWhenAsked()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var field = (await tenant.PostJsonAsync("/api/v2/customfield", new { label = "Colour", required = 1 })).Data.GetProperty("id").GetInt64();

        var unanswered = await tenant.PostJsonAsync("/api/v2/appointment?validate_custom_fields=1", shop.Booking("10:00"));
        var answered = await tenant.PostJsonAsync("/api/v2/appointment?validate_custom_fields=1", shop.Booking("10:00", new Dictionary<string, object> { ["custom_fields"] = new Dictionary<string, string[]> { [$"{field}"] = ["blue"] } }));

        Assert.Equal((400, 1), unanswered.Status());
        Assert.StartsWith("custom_fields:", unanswered.StatusDescriptions);
        Assert.Equal((200, 0), answered.Status());
        Assert.Equal("blue", answered.Data.GetProperty("custom_fields").GetProperty($"{field}")[0].GetString());
        Assert.Equal("Colour", answered.Data.GetProperty("custom_fields").GetProperty($"{field}")[1].GetString());
    }

    [Fact]
    public async Task UnknownOrForeignServicesLocationsAndEmployeesAreNotFound()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var stranger = await SignUpAsync();
        var foreign = await stranger.OpenShopAsync();

        Envelope[] refused =
        [
            await tenant.BookAsync(shop.Booking("10:00", new { service_id = foreign.Service })),
            await tenant.BookAsync(shop.Booking("10:00", new { location_id = foreign.Location })),
            await tenant.BookAsync(shop.Booking("10:00", new { employee_id = foreign.Employee })),
            await tenant.BookAsync(shop.Booking("10:00", new { service_id = 987654321 })),
        ];

        Assert.All(refused, r => Assert.Equal((404, 7), r.Status()));
        Assert.Empty((await stranger.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }

    [Fact]
    public async Task ASecondBookingOfATakenTimeIsOccupiedWhileTheNextFreeTimeIsBooked()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(service: new { duration_padding = 15, start_step = 15 });

        var first = await tenant.BookAsync(shop.Booking("10:00"));
        var same = await tenant.BookAsync(shop.Booking("10:00", email: "bo@example.test"));
        var inPadding = await tenant.BookAsync(shop.Booking("11:00", email: "bo@example.test"));
        var next = await tenant.BookAsync(shop.Booking("11:15", email: "bo@example.test"));

        Assert.Equal(0, first.StatusCode);
        Assert.Equal((409, 10), same.Status());
        Assert.Equal((409, 10), inPadding.Status());
        Assert.Equal((200, 0), next.Status());
        Assert.Equal(15, first.Data.GetProperty("duration_padding").GetInt32());
    }

    [Fact]
    public async Task ConcurrentBookingsOfOneTimeLetExactlyOneThroughAndTheRowsAgree()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        // Overlapping starts: 10:00, 10:15 (service with start_step 15 minutes).
        await tenant.PutJsonAsync($"/api/v2/service/{shop.Service}", new { start_step = 15 });
        var results = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
            tenant.BookAsync(shop.Booking(i % 2 == 0 ? "10:00" : "10:15", email: $"c{i}@example.test"))));

        Assert.Single(results, r => r.StatusCode == 0);
        Assert.All(results.Where(r => r.StatusCode != 0), r => Assert.Equal((409, 10), r.Status()));
        var rows = await tenant.GetAsync($"/api/v2/appointment?employee_id={shop.Employee}");
        Assert.Single(rows.Data.EnumerateArray());
    }

    [Fact]
    public async Task ConcurrentBookingsOfAGroupSessionFillExactlyItsSeats()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(service: new { group_session = 5, start_step = 30 });

        var results = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
            tenant.BookAsync(shop.Booking("10:00", email: $"c{i}@example.test"))));
        var later = await tenant.BookAsync(shop.Booking("10:30", email: "late@example.test"));

        Assert.Equal(5, results.Count(r => r.StatusCode == 0));
        Assert.All(results.Where(r => r.StatusCode != 0), r => Assert.Equal((409, 10), r.Status()));
        Assert.Equal((409, 10), later.Status());
        Assert.Equal(5, (await tenant.GetAsync($"/api/v2/appointment?employee_id={shop.Employee}")).Data.GetArrayLength());
    }

    [Fact]
    public async Task CancelingFreesTheTimeForTheNextBooking()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var first = await tenant.BookIdAsync(shop.Booking("10:00"));
        var declined = await tenant.BookIdAsync(shop.Booking("12:00"));

        var canceled = await tenant.PutJsonAsync($"/api/v2/appointment/{first}", new { status = 3 });
        var decline = await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = declined, reason = "ill" });
        var rebooked = await tenant.BookAsync(shop.Booking("10:00", email: "bo@example.test"));
        var rebookedDeclined = await tenant.BookAsync(shop.Booking("12:00", email: "bo@example.test"));

        Assert.Equal((0, 3), (canceled.StatusCode, canceled.Data.GetProperty("status").GetInt32()));
        Assert.Equal((0, 3, "ill"), (decline.StatusCode, decline.Data.GetProperty("status").GetInt32(), decline.Data.GetProperty("reason").GetString()));
        Assert.Equal((200, 0), rebooked.Status());
        Assert.Equal((200, 0), rebookedDeclined.Status());
    }

    [Fact]
    public async Task ACanceledAppointmentOccupiesItsTimeAgainOnlyIfItIsStillFree()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var first = await tenant.BookIdAsync(shop.Booking("10:00"));
        var second = await tenant.BookIdAsync(shop.Booking("12:00"));
        await tenant.PutJsonAsync($"/api/v2/appointment/{first}", new { status = 3 });
        await tenant.PutJsonAsync($"/api/v2/appointment/{second}", new { status = 3 });
        await tenant.BookIdAsync(shop.Booking("10:00", email: "bo@example.test"));

        var taken = await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = first });
        var free = await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = second });

        Assert.Equal((409, 10), taken.Status());
        Assert.Equal((0, 2), (free.StatusCode, free.Data.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task ARescheduleTakesTheNewTimeAndFreesTheOld()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(service: new { start_step = 30 });
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));

        var moved = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { start_date = $"{BookingTestData.Day} 13:00" });
        var oldTime = await tenant.BookAsync(shop.Booking("10:00", email: "bo@example.test"));
        var newTime = await tenant.BookAsync(shop.Booking("13:00", email: "cy@example.test"));
        var overItself = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { start_date = $"{BookingTestData.Day} 13:30" });
        var onto = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { start_date = $"{BookingTestData.Day} 10:30" });
        var after = await tenant.GetAsync($"/api/v2/appointment/{id}");

        Assert.Equal((0, "2031-03-03 13:00", id), (moved.StatusCode, moved.Data.GetProperty("start_date").GetString(), moved.Data.GetProperty("old_id").GetInt64()));
        Assert.Equal((200, 0), oldTime.Status());
        Assert.Equal((409, 10), newTime.Status());
        Assert.Equal((0, "2031-03-03 14:30"), (overItself.StatusCode, overItself.Data.GetProperty("end_date").GetString()));
        Assert.Equal((409, 10), onto.Status());
        Assert.Equal("2031-03-03 13:30", after.Data[0].GetProperty("start_date").GetString());
    }

    [Fact]
    public async Task AnEditThatKeepsTheTimeChangesOnlyTheFieldsGiven()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00", new { note = "old", client_phone = "555" }));

        var edited = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { note = "new", paid = 1 });
        var blank = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { client_name = "" });

        Assert.Equal((0, "new", true, "555"), (edited.StatusCode, edited.Data.GetProperty("note").GetString(), edited.Data.GetProperty("paid").GetBoolean(), edited.Data.GetProperty("client_phone").GetString()));
        Assert.Equal("2031-03-03 10:00", edited.Data.GetProperty("start_date").GetString());
        Assert.Equal((400, 1), blank.Status());
        Assert.StartsWith("client_name:", blank.StatusDescriptions);
    }

    [Fact]
    public async Task ARescheduleToAnotherEmployeeMovesTheTimeBetweenCalendars()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(employees: 2);
        var (ann, bob) = (shop.Employees[0], shop.Employees[1]);
        var id = await tenant.BookIdAsync(shop.Booking("10:00", employee: ann));
        await tenant.BookIdAsync(shop.Booking("14:00", employee: bob, email: "busy@example.test"));

        var refused = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { employee_id = bob, start_date = $"{BookingTestData.Day} 14:00" });
        var moved = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { employee_id = bob });
        var annFree = await tenant.BookAsync(shop.Booking("10:00", employee: ann, email: "bo@example.test"));
        var bobTaken = await tenant.BookAsync(shop.Booking("10:00", employee: bob, email: "bo@example.test"));

        Assert.Equal((409, 10), refused.Status());
        Assert.Equal((0, bob), (moved.StatusCode, moved.Data.GetProperty("employee_id").GetInt64()));
        Assert.Equal((200, 0), annFree.Status());
        Assert.Equal((409, 10), bobTaken.Status());
    }

    [Fact]
    public async Task AConcurrentRescheduleNeverLeavesTheAppointmentWithoutItsTimeNorDoubleBooksTheNewOne()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(employees: 2);
        var (ann, bob) = (shop.Employees[0], shop.Employees[1]);
        var sameCalendar = await tenant.BookIdAsync(shop.Booking("10:00", employee: ann));
        var acrossCalendars = await tenant.BookIdAsync(shop.Booking("13:00", employee: ann, email: "cy@example.test"));

        var bookings = Enumerable.Range(0, Requests).Select(i => i % 2 == 0
            ? tenant.BookAsync(shop.Booking("11:00", employee: ann, email: $"c{i}@example.test"))
            : tenant.BookAsync(shop.Booking("15:00", employee: bob, email: $"c{i}@example.test"))).ToList();
        var moving = new[]
        {
            tenant.PutJsonAsync($"/api/v2/appointment/{sameCalendar}", new { start_date = $"{BookingTestData.Day} 11:00" }),
            tenant.PutJsonAsync($"/api/v2/appointment/{acrossCalendars}", new { employee_id = bob, start_date = $"{BookingTestData.Day} 15:00" }),
        };
        await Task.WhenAll(bookings.Concat(moving));
        var moves = await Task.WhenAll(moving);

        var annDay = (await tenant.GetAsync($"/api/v2/appointment?employee_id={ann}&status=0,1,2")).Data.EnumerateArray().ToList();
        var bobDay = (await tenant.GetAsync($"/api/v2/appointment?employee_id={bob}&status=0,1,2")).Data.EnumerateArray().ToList();
        Assert.Single(annDay, a => a.GetProperty("start_date").GetString() == "2031-03-03 11:00");
        Assert.Single(bobDay, a => a.GetProperty("start_date").GetString() == "2031-03-03 15:00");
        foreach (var (move, id, home) in new[] { (moves[0], sameCalendar, "2031-03-03 10:00"), (moves[1], acrossCalendars, "2031-03-03 13:00") })
        {
            var now = (await tenant.GetAsync($"/api/v2/appointment/{id}")).Data[0].GetProperty("start_date").GetString();
            Assert.Equal(move.StatusCode == 0 ? move.Data.GetProperty("start_date").GetString() : home, now);
            Assert.True(move.StatusCode is 0 or 10, move.StatusDescriptions);
        }

        Assert.Equal(1 + (moves[0].StatusCode == 0 ? 0 : 1) + (moves[1].StatusCode == 0 ? 0 : 1), annDay.Count);
    }

    [Fact]
    public async Task DeletingRemovesTheAppointmentAndFreesItsTime()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));

        var deleted = await tenant.DeleteAsync($"/api/v2/appointment/{id}");
        var gone = await tenant.GetAsync($"/api/v2/appointment/{id}");
        var again = await tenant.DeleteAsync($"/api/v2/appointment/{id}");
        var rebooked = await tenant.BookAsync(shop.Booking("10:00"));

        Assert.Equal((200, 0), deleted.Status());
        Assert.Equal((404, 7), gone.Status());
        Assert.Equal((404, 7), again.Status());
        Assert.Equal((200, 0), rebooked.Status());
    }

    [Fact]
    public async Task VerifyConfirmAndDeclineSetTheirStatuses()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));

        var verified = await tenant.PostJsonAsync("/api/v2/appointment/verify", new { appointment_id = id });
        var confirmed = await tenant.PostFormAsync("/api/v2/appointment/confirm", new { appointment_id = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var noReason = await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = id });
        var noId = await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { });
        var unknown = await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = 987654321 });
        var declined = await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = id, reason = "double booked elsewhere" });

        Assert.Equal((0, 0), (verified.StatusCode, verified.Data.GetProperty("status").GetInt32()));
        Assert.Equal((0, 2), (confirmed.StatusCode, confirmed.Data.GetProperty("status").GetInt32()));
        Assert.Equal((400, 1), noReason.Status());
        Assert.StartsWith("reason:", noReason.StatusDescriptions);
        Assert.StartsWith("appointment_id:", noId.StatusDescriptions);
        Assert.Equal((404, 7), unknown.Status());
        Assert.Equal((0, 3, "double booked elsewhere"), (declined.StatusCode, declined.Data.GetProperty("status").GetInt32(), declined.Data.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task AnotherTenantReachesNoneOfTheAppointmentsRoutes()
    {
        var owner = await SignUpAsync("owner");
        var shop = await owner.OpenShopAsync();
        var id = await owner.BookIdAsync(shop.Booking("10:00", new { note = "private" }));
        var intruder = await SignUpAsync("intruder");

        Envelope[] attempts =
        [
            await intruder.GetAsync($"/api/v2/appointment/{id}"),
            await intruder.PutJsonAsync($"/api/v2/appointment/{id}", new { note = "mine" }),
            await intruder.PutJsonAsync($"/api/v2/appointment/{id}", new { status = 3 }),
            await intruder.DeleteAsync($"/api/v2/appointment/{id}"),
            await intruder.PostJsonAsync("/api/v2/appointment/verify", new { appointment_id = id }),
            await intruder.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = id }),
            await intruder.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = id, reason = "x" }),
            await intruder.BookAsync(shop.Booking("12:00")),
            await intruder.GetAsync($"/api/v2/appointment?company_id={owner.CompanyId}"),
        ];
        var list = await intruder.GetAsync($"/api/v2/appointment?id={id}&employee_id={shop.Employee}");

        Assert.All(attempts, a => Assert.Equal((404, 7, JsonValueKind.Null), (a.HttpStatus, a.StatusCode, a.Data.ValueKind)));
        Assert.Empty(list.Data.EnumerateArray());
        var intact = (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0];
        Assert.Equal(("private", 1), (intact.GetProperty("note").GetString(), intact.GetProperty("status").GetInt32()));
        Assert.Single((await owner.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }
}

public sealed class BookingApiMemoryTests(MemoryApiStorage storage) : BookingApiTests<MemoryApiStorage>(storage);

public sealed class BookingApiPostgresTests(PostgresApiStorage storage) : BookingApiTests<PostgresApiStorage>(storage);
