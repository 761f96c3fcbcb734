using Npgsql;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>
/// A domain row the tests write with a state write: a note whose id is unique and whose text may not be "forbidden"
/// (in PostgreSQL the primary key and a CHECK constraint of table test_notes, see <see cref="PostgresStorageFixture"/>).
/// </summary>
public sealed record NoteAttachment(string Id, string Text) : IStateWriteAttachment;

/// <summary>The memory store's writer of notes: refuses what the table's constraints would refuse.</summary>
public sealed class MemoryNoteTable : IMemoryAttachmentWriter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _notes = [];

    public Type AttachmentType => typeof(NoteAttachment);

    public IReadOnlyDictionary<string, string> Notes
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, string>(_notes);
            }
        }
    }

    public void Validate(IReadOnlyList<IStateWriteAttachment> attachments)
    {
        lock (_lock)
        {
            var ids = new HashSet<string>(_notes.Keys);
            foreach (var note in attachments.Cast<NoteAttachment>())
            {
                if (note.Text == "forbidden" || !ids.Add(note.Id))
                {
                    throw new InvalidOperationException($"Note {note.Id} violates a constraint of test_notes.");
                }
            }
        }
    }

    public void Apply(IReadOnlyList<IStateWriteAttachment> attachments)
    {
        lock (_lock)
        {
            foreach (var note in attachments.Cast<NoteAttachment>())
            {
                _notes.Add(note.Id, note.Text);
            }
        }
    }
}

/// <summary>The PostgreSQL writer of notes: one multi-row insert into test_notes.</summary>
public sealed class PostgresNoteWriter : IPostgresAttachmentWriter
{
    public Type AttachmentType => typeof(NoteAttachment);

    public void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch)
    {
        var notes = attachments.Cast<NoteAttachment>().ToList();
        var command = new NpgsqlBatchCommand("INSERT INTO test_notes (id, text) SELECT * FROM unnest(@ids, @texts)");
        command.Parameters.AddWithValue("ids", notes.Select(n => n.Id).ToArray());
        command.Parameters.AddWithValue("texts", notes.Select(n => n.Text).ToArray());
        batch.BatchCommands.Add(command);
    }
}
