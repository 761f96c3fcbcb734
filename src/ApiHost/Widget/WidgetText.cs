using System.Collections.Immutable;

namespace Scheduling.ApiHost.Widget;

/// <summary>
/// Every word the booking and self-service pages (and the booking e-mail) show, in the account languages (SPEC: en, fr,
/// es), in one place. The pages get their language's table as JSON; a missing language falls back to English.
/// </summary>
public static class WidgetText
{
    private static readonly ImmutableDictionary<string, ImmutableDictionary<string, string>> Languages = new Dictionary<string, ImmutableDictionary<string, string>>
    {
        ["en"] = Table(
            ("title", "Book an appointment"), ("manage_title", "Your appointment"),
            ("step_location", "Choose a location"), ("step_service", "Choose a service"), ("step_addons", "Add-ons"),
            ("step_provider", "Choose a provider"), ("step_time", "Choose a time"), ("step_details", "Your details"),
            ("any_provider", "Any available provider"), ("minutes", "min"), ("continue", "Continue"), ("back", "Back"),
            ("previous_day", "Previous day"), ("next_day", "Next day"), ("previous_week", "Previous week"), ("next_week", "Next week"),
            ("date", "Date"), ("no_times", "No free times on this day."), ("no_times_week", "No free times this week."),
            ("name", "Name"), ("email", "E-mail"), ("phone", "Phone"), ("required", "required"), ("book", "Book"),
            ("booking", "Booking…"), ("loading", "Loading…"), ("booked_title", "You are booked"),
            ("booked_unverified", "Please confirm your booking with the link we sent to your e-mail."),
            ("booked_email", "A confirmation was sent to your e-mail."), ("book_another", "Book another appointment"),
            ("done", "Done"), ("service", "Service"), ("location", "Location"), ("provider", "Provider"), ("when", "When"),
            ("times_in_zone", "Times are shown in {0}."), ("location_zone_note", "The location is in {0}: {1} there."), ("your_time", "In your time zone ({0}): {1}."),
            ("slot_taken", "Sorry, that time was just taken. Please choose another time."),
            ("error", "Something went wrong. Please try again."), ("too_many", "Too many requests. Please wait a moment and try again."),
            ("not_found", "This page does not exist."), ("invalid_link", "This link is not valid."),
            ("cancel", "Cancel appointment"), ("reschedule", "Reschedule"), ("confirm", "Confirm appointment"),
            ("canceled", "Your appointment is canceled."), ("rescheduled", "Your appointment is moved."), ("confirmed", "Your appointment is confirmed."),
            ("not_allowed", "This cannot be done online"), ("new_time", "Choose a new time"),
            ("mail_subject", "Your appointment on {0}"), ("mail_booked", "Your appointment with {0} is booked."),
            ("mail_confirm", "Confirm your appointment"), ("mail_reschedule", "Reschedule"), ("mail_cancel", "Cancel"),
            ("select", "Select…"), ("close", "Close")),
        ["fr"] = Table(
            ("title", "Prendre rendez-vous"), ("manage_title", "Votre rendez-vous"),
            ("step_location", "Choisissez un lieu"), ("step_service", "Choisissez une prestation"), ("step_addons", "Options"),
            ("step_provider", "Choisissez un intervenant"), ("step_time", "Choisissez une heure"), ("step_details", "Vos coordonnées"),
            ("any_provider", "N'importe quel intervenant disponible"), ("minutes", "min"), ("continue", "Continuer"), ("back", "Retour"),
            ("previous_day", "Jour précédent"), ("next_day", "Jour suivant"), ("previous_week", "Semaine précédente"), ("next_week", "Semaine suivante"),
            ("date", "Date"), ("no_times", "Aucun créneau libre ce jour-là."), ("no_times_week", "Aucun créneau libre cette semaine."),
            ("name", "Nom"), ("email", "E-mail"), ("phone", "Téléphone"), ("required", "obligatoire"), ("book", "Réserver"),
            ("booking", "Réservation…"), ("loading", "Chargement…"), ("booked_title", "Votre rendez-vous est réservé"),
            ("booked_unverified", "Veuillez confirmer votre réservation avec le lien envoyé par e-mail."),
            ("booked_email", "Une confirmation vous a été envoyée par e-mail."), ("book_another", "Prendre un autre rendez-vous"),
            ("done", "Terminer"), ("service", "Prestation"), ("location", "Lieu"), ("provider", "Intervenant"), ("when", "Quand"),
            ("times_in_zone", "Les heures sont affichées en {0}."), ("location_zone_note", "Le lieu est en {0} : {1} sur place."), ("your_time", "Dans votre fuseau horaire ({0}) : {1}."),
            ("slot_taken", "Désolé, ce créneau vient d'être pris. Veuillez choisir une autre heure."),
            ("error", "Une erreur s'est produite. Veuillez réessayer."), ("too_many", "Trop de demandes. Patientez un instant puis réessayez."),
            ("not_found", "Cette page n'existe pas."), ("invalid_link", "Ce lien n'est pas valide."),
            ("cancel", "Annuler le rendez-vous"), ("reschedule", "Déplacer"), ("confirm", "Confirmer le rendez-vous"),
            ("canceled", "Votre rendez-vous est annulé."), ("rescheduled", "Votre rendez-vous est déplacé."), ("confirmed", "Votre rendez-vous est confirmé."),
            ("not_allowed", "Impossible en ligne"), ("new_time", "Choisissez une nouvelle heure"),
            ("mail_subject", "Votre rendez-vous du {0}"), ("mail_booked", "Votre rendez-vous avec {0} est réservé."),
            ("mail_confirm", "Confirmer votre rendez-vous"), ("mail_reschedule", "Déplacer"), ("mail_cancel", "Annuler"),
            ("select", "Choisir…"), ("close", "Fermer")),
        ["es"] = Table(
            ("title", "Reservar una cita"), ("manage_title", "Su cita"),
            ("step_location", "Elija un lugar"), ("step_service", "Elija un servicio"), ("step_addons", "Complementos"),
            ("step_provider", "Elija un profesional"), ("step_time", "Elija una hora"), ("step_details", "Sus datos"),
            ("any_provider", "Cualquier profesional disponible"), ("minutes", "min"), ("continue", "Continuar"), ("back", "Volver"),
            ("previous_day", "Día anterior"), ("next_day", "Día siguiente"), ("previous_week", "Semana anterior"), ("next_week", "Semana siguiente"),
            ("date", "Fecha"), ("no_times", "No hay horas libres este día."), ("no_times_week", "No hay horas libres esta semana."),
            ("name", "Nombre"), ("email", "Correo electrónico"), ("phone", "Teléfono"), ("required", "obligatorio"), ("book", "Reservar"),
            ("booking", "Reservando…"), ("loading", "Cargando…"), ("booked_title", "Su cita está reservada"),
            ("booked_unverified", "Confirme su reserva con el enlace que le enviamos por correo."),
            ("booked_email", "Le enviamos una confirmación por correo."), ("book_another", "Reservar otra cita"),
            ("done", "Terminar"), ("service", "Servicio"), ("location", "Lugar"), ("provider", "Profesional"), ("when", "Cuándo"),
            ("times_in_zone", "Las horas se muestran en {0}."), ("location_zone_note", "El lugar está en {0}: allí serán las {1}."), ("your_time", "En su zona horaria ({0}): {1}."),
            ("slot_taken", "Lo sentimos, esa hora acaba de ser reservada. Elija otra hora."),
            ("error", "Algo salió mal. Inténtelo de nuevo."), ("too_many", "Demasiadas solicitudes. Espere un momento e inténtelo de nuevo."),
            ("not_found", "Esta página no existe."), ("invalid_link", "Este enlace no es válido."),
            ("cancel", "Cancelar la cita"), ("reschedule", "Cambiar la hora"), ("confirm", "Confirmar la cita"),
            ("canceled", "Su cita está cancelada."), ("rescheduled", "Su cita ha cambiado de hora."), ("confirmed", "Su cita está confirmada."),
            ("not_allowed", "No se puede hacer en línea"), ("new_time", "Elija una nueva hora"),
            ("mail_subject", "Su cita del {0}"), ("mail_booked", "Su cita con {0} está reservada."),
            ("mail_confirm", "Confirmar su cita"), ("mail_reschedule", "Cambiar la hora"), ("mail_cancel", "Cancelar"),
            ("select", "Elegir…"), ("close", "Cerrar")),
    }.ToImmutableDictionary();

    public static IEnumerable<string> Codes => Languages.Keys;

    /// <summary>The table of a language code ("en", "fr", "es"); English for anything else.</summary>
    public static ImmutableDictionary<string, string> For(string? language) =>
        Languages.TryGetValue(Code(language), out var table) ? table : Languages["en"];

    public static string Code(string? language) =>
        language?.Trim().ToLowerInvariant() is { } code && Languages.ContainsKey(code) ? code : "en";

    private static ImmutableDictionary<string, string> Table(params (string Key, string Text)[] entries) =>
        entries.ToImmutableDictionary(e => e.Key, e => e.Text);
}
