using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Accounts;

/// <summary>The account's fields as the reference names them (GET /account, getOptions, getPersonalInfo, ...).</summary>
public static class AccountSchemas
{
    public const int DefaultTimeZoneId = 553;

    /// <summary>Owner passwords: at least 8 characters (NIST SP 800-63B's minimum for chosen secrets).</summary>
    public const int MinPasswordLength = 8;

    /// <summary>An upper bound keeps the cost of hashing a submitted password bounded.</summary>
    public const int MaxPasswordLength = 128;

    private static readonly JsonElement True = JsonSerializer.SerializeToElement(true);
    private static readonly JsonElement False = JsonSerializer.SerializeToElement(false);
    private static readonly JsonElement Zero = JsonSerializer.SerializeToElement(0);
    private static readonly JsonElement One = JsonSerializer.SerializeToElement(1);
    private static readonly JsonElement Empty = JsonSerializer.SerializeToElement(string.Empty);

    /// <summary>Company profile and business info.</summary>
    public static RecordSchema Profile { get; } = new("account",
    [
        new("company_name", FieldKind.Text) { Required = true, MaxLength = 128, Default = Empty },
        new("nick_name", FieldKind.Text) { ReadOnly = true, Default = Empty },
        Text("website", 255),
        new("contact", FieldKind.Email) { Default = Empty },
        Text("facebook", 255),
        Text("linkedin", 255),
        Text("twitter", 255),
        Text("skype_name", 64),
        Text("yelp", 255),
        Text("pinterest", 255),
        Text("vimeo", 255),
        Text("youtube", 255),
        Text("phone", 32),
        new("timezone_id", FieldKind.Int) { Min = 1, Default = JsonSerializer.SerializeToElement(DefaultTimeZoneId) },
        Text("fax", 32),
        Text("industry", 128),
        new("logo", FieldKind.Text) { ReadOnly = true, Default = Empty },
        Text("paragraph", 10_000),
        Text("business_hours", 1_000),
        Text("address_city", 128),
        Text("address_country", 128),
        Text("address_state", 128),
        Text("address_street1", 255),
        Text("address_street2", 255),
        Text("addresszip", 32),
        new("send_to_contact", FieldKind.Int) { Min = 0, Max = 1, Default = Zero },
        new("show_map_profile", FieldKind.Bool) { Default = False },
        Text("splash", 1_000),
        Text("map_url", 1_000),
        Text("return_url", 1_000),
        Text("policies", 10_000),
        new("account_type", FieldKind.Int) { AllowedValues = ["0", "1", "2", "4", "5", "6"], Default = Zero },
        new("notify_app_unconfirmed", FieldKind.Bool) { Default = True },
        new("notify_app_unpaid", FieldKind.Bool) { Default = True },
        new("lang", FieldKind.Text) { AllowedValues = ["en", "fr", "es"], Default = JsonSerializer.SerializeToElement("en") },
        new("enable_locations", FieldKind.Bool) { Default = True },
        Text("capture_leads", 255),
        new("directory", FieldKind.Int) { Min = 0, Default = Zero },
        new("max_providers", FieldKind.Int) { Min = 0, Default = Zero },
        Text("business_hours_label", 128),
        Text("policies_label", 128),
        Text("paragraph_label", 128),
        new("timezone", FieldKind.Int) { Min = -720, Max = 840, Default = Zero },
    ]);

    /// <summary>The owner's personal info (the password is write-only and handled apart).</summary>
    public static RecordSchema Personal { get; } = new("personal info",
    [
        new("email", FieldKind.Email) { Required = true, MaxLength = 254 },
        Text("first_name", 64),
        Text("last_name", 64),
        Text("phone", 32),
    ]);

    /// <summary>Booking options (getOptions / saveOptions).</summary>
    public static RecordSchema Options { get; } = new("options",
    [
        Text("currency", 3, "USD"),
        Flag("hide_contact", false),
        Flag("hide_about", false),
        Flag("show_email", false),
        Flag("show_provider_image", false),
        Text("providers_tab_option", 8, "2"),
        Flag("select_single_service", true),
        new("default_calendar_view", FieldKind.Text) { AllowedValues = ["d", "w"], Default = JsonSerializer.SerializeToElement("d") },
        new("month_view_availability", FieldKind.Int) { Min = 0, Max = 1, Default = One },
        new("email_confirmation", FieldKind.Int) { Min = 0, Max = 1, Default = Zero },
        Flag("book_another_appointment", false),
        Flag("display_google_map_on_locations", false),
        Flag("hide_timezone_alert", false),
        Flag("select_single_location", true),
        Flag("show_in_host_or_client_time", false),
        Flag("email_timezone_alert", false),
        Text("widget_customBookingFields", 2_000, string.Empty),
        Flag("enable_mobile_widget", true),
        Flag("any_available_provider", true),
        Flag("show_staff_photo", true),
        Flag("auto_confirm", false),
        Hours("prior_notice"),
        Hours("prior_cancel_appointment"),
        Hours("prior_reschedule_appointment"),
        new("duration_padding", FieldKind.Int) { Min = 0, Max = 1440, Default = Zero },
        new("start_step", FieldKind.Int) { Min = 0, Max = 1440, Default = Zero },
        new("after_notice", FieldKind.Int) { Min = 0, Max = 3650, Default = Zero },
        Flag("allow_cash_payment", false),
        Flag("waiting_list", false),
        Text("layout_params", 4_000, string.Empty),
        Text("style_params", 4_000, string.Empty),
        new("new_style", FieldKind.Int) { Min = 0, Max = 1, Default = One },
        new("new_mobile_style", FieldKind.Int) { Min = 0, Max = 1, Default = One },
        Flag("widget_send_client_emails", true),
        Flag("widget_send_provider_emails", true),
        // Hours before an appointment's start when its reminder goes out; 0 = no reminder.
        new("send_reminder", FieldKind.Int) { Min = 0, Max = 720, Default = JsonSerializer.SerializeToElement(24) },
    ]);

    /// <summary>
    /// Options the reference also lists under getOptions / saveOptions but that belong to the account
    /// profile (one time zone, one language per account): saved into and read from <see cref="Profile"/>,
    /// with the profile's field rules.
    /// </summary>
    public static RecordSchema OptionsInProfile { get; } = new("options",
        Profile.Fields.Where(f => f.Name is "notify_app_unconfirmed" or "send_to_contact" or "notify_app_unpaid" or "lang" or "timezone_id"));

    /// <summary>
    /// Payment settings, saved through saveOptions and returned by getOptions (stripe_client_id),
    /// getStripe (as stripePublishableKey) and getPaypal. Stored only: the server processes no payments,
    /// so it never holds a Stripe secret key. Prices are in the options' <c>currency</c>.
    /// </summary>
    public static RecordSchema Payments { get; } = new("payments",
    [
        Text("stripe_publishable_key", 255),
        Text("stripe_client_id", 255),
        new("paypal_email", FieldKind.Email) { MaxLength = 254, Default = Empty },
    ]);

    /// <summary>Profile fields that come with the account's plan: an account cannot change its own (see saveBussinessInfo).</summary>
    public static ImmutableArray<string> PlanFields { get; } = ["account_type", "max_providers", "enable_locations"];

    public static RecordSchema For(AccountPart part) => part switch
    {
        AccountPart.Profile => Profile,
        AccountPart.Options => Options,
        AccountPart.Personal => Personal,
        AccountPart.Payments => Payments,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    /// <summary>Nicknames name public booking pages: 3-64 of a-z, 0-9, '-', '_', starting with a letter or digit.</summary>
    public static bool IsValidNickname(string nickname) =>
        nickname.Length is >= 3 and <= 64
        && char.IsAsciiLetterOrDigit(nickname[0])
        && nickname.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    private static FieldSpec Text(string name, int maxLength, string? defaultValue = "") =>
        new(name, FieldKind.Text) { MaxLength = maxLength, Default = JsonSerializer.SerializeToElement(defaultValue) };

    private static FieldSpec Flag(string name, bool defaultValue) =>
        new(name, FieldKind.Flag) { Default = defaultValue ? One : Zero };

    private static FieldSpec Hours(string name) =>
        new(name, FieldKind.Int) { Min = 0, Max = 8760, Default = Zero };
}
