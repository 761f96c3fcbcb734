using Scheduling.ApiHost.Accounts;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Availability;
using Scheduling.ApiHost.Clients;
using Scheduling.ApiHost.CustomFields;
using Scheduling.ApiHost.Employees;
using Scheduling.ApiHost.Health;
using Scheduling.ApiHost.Holidays;
using Scheduling.ApiHost.Locations;
using Scheduling.ApiHost.Media;
using Scheduling.ApiHost.Services;
using Scheduling.ApiHost.Subscriptions;
using Scheduling.ApiHost.TimeZones;
using Scheduling.ApiHost.Widget;

namespace Scheduling.ApiHost.Api;

/// <summary>Every route of the host, area by area; each area maps itself.</summary>
public static class ApiRoutes
{
    public static WebApplication MapSchedulingApi(this WebApplication app)
    {
        app.MapHealthApi();
        app.MapApiDocument();
        app.MapMediaApi();
        app.MapTimeZonesApi();
        app.MapAccountsApi();
        app.MapAccountSettingsApi();
        app.MapLocationsApi();
        app.MapEmployeesApi();
        app.MapServicesApi();
        app.MapClientsApi();
        app.MapCustomFieldsApi();
        app.MapHolidaysApi();
        app.MapAvailabilityApi();
        app.MapSubscriptionsApi();
        app.MapAppointmentsApi();
        app.MapPublicBookingApi();
        app.MapManageLinksApi();
        app.MapWidgetPages();
        app.MapAppointmentRemindersApi();
        app.MapApiFallback();
        return app;
    }
}
