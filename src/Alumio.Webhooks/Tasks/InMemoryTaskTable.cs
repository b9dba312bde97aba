using System.Runtime.InteropServices;

namespace Alumio.Webhooks.Tasks;

/// <summary>
/// The tasks of an <see cref="InMemoryTaskStore"/> by id, kept as values rather than as objects: a task is a slot in
/// chunks of a few thousand, its webhook and route are numbers in a table of names, and a request id in the form the
/// receiver writes is kept as a <see cref="Guid"/>. So a stored task leaves the garbage collector no object of its own
/// to copy from generation to generation and walk at every collection; only its entity (shared by the tasks of one
/// item) stays an object. A task read is a new <see cref="WebhookTask"/> made from its slot.
/// </summary>
/// <remarks>Not thread-safe: the store calls it under its lock.</remarks>
internal sealed class InMemoryTaskTable
{
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;

    private readonly Dictionary<Guid, int> _index = [];
    private readonly List<Slot[]> _chunks = [];
    private readonly Stack<int> _free = new();
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private int _used;
    private string? _lastRequestText;
    private Guid _lastRequestGuid;

    /// <summary>Gets how many tasks are kept.</summary>
    public int Count => _index.Count;

    /// <summary>Gets or sets (adding or replacing) the task with an id.</summary>
    public WebhookTask this[Guid id]
    {
        get => _index.TryGetValue(id, out var slot) ? Read(slot) : throw new KeyNotFoundException($"No task with id {id} is kept.");
        set => Put(id, value, replace: true);
    }

    public bool ContainsKey(Guid id) => _index.ContainsKey(id);

    public bool TryGetValue(Guid id, out WebhookTask task)
    {
        if (_index.TryGetValue(id, out var slot))
        {
            task = Read(slot);
            return true;
        }

        task = null!;
        return false;
    }

    public WebhookTask? GetValueOrDefault(Guid id) => TryGetValue(id, out var task) ? task : null;

    public bool TryAdd(Guid id, WebhookTask task) => Put(id, task, replace: false);

    public void Add(Guid id, WebhookTask task)
    {
        if (!Put(id, task, replace: false))
        {
            throw new ArgumentException($"A task with id {id} is kept already.", nameof(id));
        }
    }

    public bool Remove(Guid id)
    {
        if (!_index.Remove(id, out var slot))
        {
            return false;
        }

        // Cleared, so the entity and strings it held can be collected; the slot is used again.
        SlotAt(slot) = default;
        _free.Push(slot);
        return true;
    }

    /// <summary>Writes a task into its slot, taking a new one when its id is new; one lookup of the id.</summary>
    /// <returns><see langword="false"/> when the id is kept already and <paramref name="replace"/> is not set.</returns>
    private bool Put(Guid id, WebhookTask task, bool replace)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Id != id)
        {
            throw new ArgumentException("The task's id differs from the key.", nameof(task));
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, id, out var exists);
        if (exists && !replace)
        {
            return false;
        }

        if (!exists)
        {
            if (_free.Count > 0)
            {
                slot = _free.Pop();
            }
            else
            {
                if (_used == _chunks.Count * ChunkSize)
                {
                    _chunks.Add(new Slot[ChunkSize]);
                }

                slot = _used++;
            }
        }

        Write(slot, task);
        return true;
    }

    private ref Slot SlotAt(int slot) => ref _chunks[slot >> ChunkShift][slot & (ChunkSize - 1)];

    private void Write(int slot, WebhookTask task)
    {
        ref var s = ref SlotAt(slot);
        s.Id = task.Id;
        if (RequestGuid(task.RequestId) is { } guid)
        {
            s.RequestGuid = guid;
            s.RequestText = null;
        }
        else
        {
            s.RequestGuid = default;
            s.RequestText = task.RequestId;
        }

        s.Webhook = NameId(task.Webhook);
        s.Route = NameId(task.Route);
        s.Entity = task.EntityUtf8;
        s.Status = task.Status;
        s.Attempts = task.Attempts;
        s.LastError = task.LastError;
        s.CreatedAt = task.CreatedAt;
        s.UpdatedAt = task.UpdatedAt;
        s.DueAt = task.DueAt;
        s.LeaseId = task.LeaseId;
        s.Captures = task.Captures.Count == 0 ? null : task.Captures;
        s.ParentId = task.ParentId;
        s.FirstTransformer = task.FirstTransformer;
    }

    private WebhookTask Read(int slot)
    {
        ref var s = ref SlotAt(slot);
        var task = new WebhookTask(
            s.Id,
            s.RequestText ?? s.RequestGuid.ToString(),
            _names[s.Webhook],
            _names[s.Route],
            s.Entity,
            s.Status,
            s.Attempts,
            s.LastError,
            s.CreatedAt,
            s.UpdatedAt)
        {
            DueAt = s.DueAt,
            LeaseId = s.LeaseId,
            ParentId = s.ParentId,
            FirstTransformer = s.FirstTransformer,
        };
        return s.Captures is null ? task : task with { Captures = s.Captures };
    }

    /// <summary>The request id as a <see cref="Guid"/> when it is one written the receiver's way, so it reads back the same.</summary>
    private Guid? RequestGuid(string text)
    {
        if (ReferenceEquals(text, _lastRequestText))
        {
            return _lastRequestGuid;
        }

        if (text.Length == 36 && Guid.TryParseExact(text, "D", out var guid) && string.Equals(guid.ToString(), text, StringComparison.Ordinal))
        {
            // The tasks of one request come one after another with the same string.
            _lastRequestText = text;
            _lastRequestGuid = guid;
            return guid;
        }

        return null;
    }

    private int NameId(string name)
    {
        if (!_nameIds.TryGetValue(name, out var id))
        {
            id = _names.Count;
            _names.Add(name);
            _nameIds.Add(name, id);
        }

        return id;
    }

    /// <summary>A task's fields; names as numbers, a request id as a <see cref="Guid"/> where it can be.</summary>
    private struct Slot
    {
        public Guid Id;
        public Guid RequestGuid;
        public string? RequestText;
        public ReadOnlyMemory<byte> Entity;
        public string? LastError;
        public IReadOnlyList<string>? Captures;
        public DateTimeOffset CreatedAt;
        public DateTimeOffset UpdatedAt;
        public DateTimeOffset? DueAt;
        public Guid? LeaseId;
        public Guid? ParentId;
        public int Webhook;
        public int Route;
        public int Attempts;
        public int FirstTransformer;
        public WebhookTaskStatus Status;
    }
}
