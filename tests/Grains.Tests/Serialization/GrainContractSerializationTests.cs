using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Tests.Serialization;

/// <summary>
/// What crosses a grain boundary is serializable by Orleans, under names that stay put across versions, so that silos of
/// two versions can talk during a rolling upgrade; immutable values are shared, not copied.
/// </summary>
public sealed class GrainContractSerializationTests
{
    private static readonly Assembly Contracts = typeof(IAccountGrain).Assembly;
    private static readonly Assembly Grains = typeof(AppointmentOverlapException).Assembly;

    private static readonly ServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private static readonly Serializer Serializer = Services.GetRequiredService<Serializer>();
    private static readonly DeepCopier Copier = Services.GetRequiredService<DeepCopier>();
    private static readonly ICodecProvider Codecs = Services.GetRequiredService<ICodecProvider>();

    [Fact]
    public void EveryParameterAndResultOfEveryGrainMethodHasAnOrleansCodecAndCopier()
    {
        var interfaces = Contracts.GetTypes().Where(t => t.IsInterface && t.IsAssignableTo(typeof(IGrain))).ToList();
        Assert.Contains(typeof(IAccountGrain), interfaces);
        Assert.True(interfaces.Count >= 12, $"found only {interfaces.Count} grain interfaces");

        var missing = interfaces
            .SelectMany(i => i.GetMethods().Select(m => (Method: $"{i.Name}.{m.Name}", m)))
            .SelectMany(x => x.m.GetParameters().Select(p => p.ParameterType).Append(Result(x.m.ReturnType)).OfType<Type>()
                .SelectMany(Unserializable).Select(problem => $"{x.Method}: {problem}"))
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void ATypeOrleansCannotSerializeFailsTheCheck()
    {
        Assert.Contains($"no codec for {typeof(UnannotatedValue)}", Unserializable(typeof(ImmutableArray<UnannotatedValue>)));
        Assert.Empty(Unserializable(typeof(ImmutableDictionary<string, JsonElement>)));
    }

    [Fact]
    public void EveryTypeWithAGeneratedSerializerHasItsOwnStableAlias()
    {
        var types = Contracts.GetTypes().Concat(Grains.GetTypes())
            .Where(t => t.IsDefined(typeof(GenerateSerializerAttribute), inherit: false))
            .ToList();
        Assert.Contains(typeof(Appointment), types);
        Assert.Contains(typeof(AppointmentOverlapException), types);

        var aliases = types.Select(t => (Type: t, Aliases: t.GetCustomAttributes<AliasAttribute>(inherit: false).Select(a => a.Alias).ToList())).ToList();
        Assert.All(aliases, a => Assert.True(a.Aliases.Count == 1, $"{a.Type} has {a.Aliases.Count} aliases"));
        Assert.All(aliases, a => Assert.Matches("^scheduling\\.[a-z0-9]+(-[a-z0-9]+)*$", a.Aliases[0]));
        var repeated = aliases.GroupBy(a => a.Aliases[0]).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "aliases used twice: " + string.Join(", ", repeated));
    }

    [Fact]
    public void AValueOfAnUnexpectedTypeIsNamedOnTheWireByItsAlias()
    {
        var bytes = Serializer.SerializeToArray<object>(ContractSamples.Event());

        Assert.Contains("scheduling.appointment-event", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("Scheduling.Contracts", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAppointmentSurvivesARoundTripWithItsValues()
    {
        var appointment = ContractSamples.Appointment();

        var copy = RoundTrip(appointment);

        AssertSameJson(appointment, copy);
        Assert.Equal(appointment with { Values = copy.Values }, copy);
        Assert.Equal("Ann \"A\" Lee, Zoë ✓", copy.Values.GetText("client_name"));
    }

    [Fact]
    public void AnAppointmentEventSurvivesARoundTripWithItsNoticesAndPreviousPlace()
    {
        var appointmentEvent = ContractSamples.Event();

        var copy = RoundTrip(appointmentEvent);

        AssertSameJson(appointmentEvent, copy);
        Assert.Equal(appointmentEvent.Previous, copy.Previous);
        Assert.Equal(appointmentEvent.Notices, copy.Notices);
        Assert.Equal(appointmentEvent.PreviousStatus, copy.PreviousStatus);
    }

    [Fact]
    public void ABookingRequestSurvivesARoundTripWithItsSlotAndService()
    {
        var booking = ContractSamples.Booking();

        var copy = RoundTrip(booking);

        AssertSameJson(booking, copy);
        Assert.Equal(booking.Slot!.Service.Schedule.Select(e => (e.Window, e.EndDate, string.Join(",", e.Days))), copy.Slot!.Service.Schedule.Select(e => (e.Window, e.EndDate, string.Join(",", e.Days))));
        Assert.Equal(booking.Notices, copy.Notices);
    }

    [Fact]
    public void SnapshotsSurviveARoundTripWithTheirJsonValues()
    {
        AssertSameJson(ContractSamples.Account(), RoundTrip(ContractSamples.Account()));
        AssertSameJson(ContractSamples.Service(), RoundTrip(ContractSamples.Service()));
        AssertSameJson(ContractSamples.Location(), RoundTrip(ContractSamples.Location()));
        AssertSameJson(ContractSamples.Employee(), RoundTrip(ContractSamples.Employee()));
        AssertSameJson(ContractSamples.CustomField(), RoundTrip(ContractSamples.CustomField()));
        AssertSameJson(ContractSamples.Hours(), RoundTrip(ContractSamples.Hours()));
        AssertSameJson(ContractSamples.Webhook(), RoundTrip(ContractSamples.Webhook()));
        Assert.Equal(ContractSamples.Holiday(), RoundTrip(ContractSamples.Holiday()));
    }

    [Fact]
    public void AFieldMapSurvivesARoundTripAsTheSameJsonObject()
    {
        var map = FieldMap.Of(ContractSamples.Values());

        var copy = RoundTrip(map);

        Assert.Equal(map.ToJson(), copy.ToJson());
        Assert.Equal(map.Count, copy.Count);
        Assert.Equal(12.50m, copy.GetDecimal("price"));
        Assert.Empty(RoundTrip(FieldMap.Empty));
        Assert.Equal("{}", RoundTrip(FieldMap.Empty).ToJson());
    }

    [Fact]
    public void EveryKindOfJsonValueSurvivesARoundTrip()
    {
        string[] texts = ["{\"a\":[1,2.5,\"x\\u00e9\\n\"],\"b\":{}}", "[]", "\"Zoë \\\"quoted\\\"\"", "12345678901234567890.125", "true", "false", "null"];
        foreach (var text in texts)
        {
            var element = JsonElement.Parse(text);
            Assert.Equal(element.GetRawText(), RoundTrip(element).GetRawText());
        }

        Assert.Equal(JsonValueKind.Undefined, RoundTrip(default(JsonElement)).ValueKind);
        Assert.Equal(JsonValueKind.Undefined, RoundTrip<JsonElement?>(default(JsonElement)).GetValueOrDefault().ValueKind);
        Assert.Null(RoundTrip<JsonElement?>(null));
    }

    [Fact]
    public void EachDomainExceptionSurvivesARoundTripWithItsTypeAndMessage()
    {
        Exception[] exceptions =
        [
            new NotFoundException("appointment 7 not found"),
            new SaveConflictException("appointment 7 was changed meanwhile"),
            new DeleteRefusedException("location 3 still has appointments"),
            new NotPermittedException("not yours"),
            new LimitReachedException("5 sub-accounts at most"),
            new SlotNotAvailableException("2031-03-14 09:30 is not offered"),
            new SlotOccupiedException("2031-03-14 09:30 is already booked"),
            new FieldValidationException("client_email", "must be an e-mail address"),
            new AppointmentOverlapException("appointment 7 overlaps appointment 8"),
            new AppointmentRowChangedException("appointment 7 is at version 4"),
            new UnknownTimeZoneException(99_999),
        ];
        Assert.All(Contracts.GetTypes().Where(t => t.IsAssignableTo(typeof(Exception)) && !t.IsAbstract), type => Assert.Contains(exceptions, e => e.GetType() == type));

        foreach (var exception in exceptions)
        {
            var copy = RoundTrip(exception);

            Assert.IsType(exception.GetType(), copy);
            Assert.Equal(exception.Message, copy.Message);
        }
    }

    [Fact]
    public void ExceptionsKeepTheirOwnFields()
    {
        var invalid = Assert.IsType<FieldValidationException>(RoundTrip<Exception>(new FieldValidationException("client_email", "must be an e-mail address")));
        Assert.Equal(("client_email", "must be an e-mail address"), (invalid.Field, invalid.Problem));

        var zone = Assert.IsType<UnknownTimeZoneException>(RoundTrip<Exception>(new UnknownTimeZoneException(99_999)));
        Assert.Equal(99_999, zone.TimeZoneId);
    }

    [Fact]
    public void ImmutableValuesAreSharedNotCopied()
    {
        object[] values =
        [
            ContractSamples.Appointment(), ContractSamples.Event(), ContractSamples.Booking(), ContractSamples.Account(),
            ContractSamples.Service(), ContractSamples.Location(), ContractSamples.Employee(), ContractSamples.Webhook(),
            FieldMap.Of(ContractSamples.Values()), ContractSamples.Values(),
        ];

        Assert.All(values, value => Assert.Same(value, Copier.Copy(value)));
    }

    [Fact]
    public void EveryImmutableTypeHasACopierThatCopiesNothing()
    {
        var immutable = Contracts.GetTypes().Concat(Grains.GetTypes())
            .Where(t => t.IsDefined(typeof(ImmutableAttribute), inherit: false))
            .Append(typeof(JsonElement))
            .ToList();
        Assert.Contains(typeof(FieldMap), immutable);

        Assert.All(immutable, type => Assert.True(
            Codecs.GetDeepCopier(type) is IOptionalDeepCopier copier && copier.IsShallowCopyable(),
            $"{type} is copied on every call"));
    }

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    private static void AssertSameJson<T>(T expected, T actual)
        where T : class
    {
        Assert.NotSame(expected, actual);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
    }

    private static Type? Result(Type returnType) =>
        returnType.IsGenericType && returnType.GetGenericTypeDefinition() is var definition && (definition == typeof(Task<>) || definition == typeof(ValueTask<>))
            ? returnType.GetGenericArguments()[0]
            : returnType == typeof(Task) || returnType == typeof(ValueTask) ? null : returnType;

    /// <summary>The problems with a type and everything it holds: a type Orleans has no codec or no copier for.</summary>
    private static IEnumerable<string> Unserializable(Type root)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            if (Missing(() => Codecs.TryGetCodec(type)))
            {
                yield return $"no codec for {type}";
            }

            if (Missing(() => Codecs.TryGetDeepCopier(type)))
            {
                yield return $"no copier for {type}";
            }

            foreach (var held in Held(type))
            {
                pending.Push(held);
            }
        }
    }

    // A codec or copier of a generic type is made with those of its arguments: a missing one throws instead of answering null.
    private static bool Missing(Func<object?> find)
    {
        try
        {
            return find() is null;
        }
        catch (CodecNotFoundException)
        {
            return true;
        }
    }

    // The element types of arrays and generic types, and the members a generated serializer writes.
    private static IEnumerable<Type> Held(Type type)
    {
        const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        if (type.IsArray)
        {
            return [type.GetElementType()!];
        }

        var held = type.IsGenericType ? type.GetGenericArguments() : [];
        if (!type.IsDefined(typeof(GenerateSerializerAttribute), inherit: false))
        {
            return held;
        }

        return held
            .Concat(type.GetFields(Declared).Where(f => f.IsDefined(typeof(IdAttribute))).Select(f => f.FieldType))
            .Concat(type.GetProperties(Declared).Where(p => p.IsDefined(typeof(IdAttribute))).Select(p => p.PropertyType))
            .Concat(type.GetConstructors(Declared).SelectMany(c => c.GetParameters()).Where(p => p.IsDefined(typeof(IdAttribute))).Select(p => p.ParameterType));
    }

    private sealed record UnannotatedValue(string Text);
}
