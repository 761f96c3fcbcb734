using System.Globalization;
using Orleans.Streams;

namespace Scheduling.Grains.Storage;

/// <summary>
/// Where an event stands in the outbox (its row's sequence) and which event it is: the event id, stable across
/// redeliveries, is what consumers de-duplicate by (delivery is at least once) and what webhook receivers see.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("scheduling.outbox-sequence-token")]
public sealed class OutboxSequenceToken : StreamSequenceToken
{
    public OutboxSequenceToken(long sequenceNumber, Guid eventId)
    {
        SequenceNumber = sequenceNumber;
        EventId = eventId;
    }

    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    [Id(1)]
    public override int EventIndex { get; protected set; }

    [Id(2)]
    public Guid EventId { get; private set; }

    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    public override bool Equals(StreamSequenceToken? other) =>
        other is OutboxSequenceToken token && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex;

    public override int CompareTo(StreamSequenceToken? other) => other switch
    {
        null => 1,
        OutboxSequenceToken token => SequenceNumber != token.SequenceNumber
            ? SequenceNumber.CompareTo(token.SequenceNumber)
            : EventIndex.CompareTo(token.EventIndex),
        _ => throw new ArgumentOutOfRangeException(nameof(other), "Outbox tokens compare with outbox tokens only."),
    };

    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"outbox#{SequenceNumber} ({EventId})");
}
