using System.Text.Json.Serialization;

namespace Mlflow.Testing.Store;

/// <summary>Something <see cref="ServerState.Commit"/> asks for its recorded changes.</summary>
internal interface IRecordedChanges
{
    /// <summary>Adds what changed since the last commit to <paramref name="changes"/> and forgets it.</summary>
    void Collect(List<StoreChange> changes);

    /// <summary>Forgets what changed since the last commit (the request failed; nothing is written).</summary>
    void Forget();
}

/// <summary>
/// The server's state: every entity kind as a set in memory (the working set that handlers read and change), written
/// through to a <see cref="StateStore"/>. Handlers hold <see cref="Gate"/>, change entities, and call
/// <see cref="DocumentSet{T}.Touch"/> / <see cref="RowLog{T}.Append"/> for what they changed; the caller of the
/// handler then calls <see cref="Commit"/> once, which serialises the touched entities and hands all changes of the
/// request to the store in one transaction. A kind is loaded from the store the first time it is asked for.
/// </summary>
internal sealed class ServerState : IDisposable
{
    /// <summary>JSON of stored documents and rows: property names as declared, NaN and infinities as strings.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new TagMap.Converter() },
    };

    private readonly StateStore store;
    private readonly Dictionary<string, object> kinds = new(StringComparer.Ordinal);
    private readonly List<IRecordedChanges> recorders = [];
    private readonly List<StoreChange> pending = [];

    public ServerState(StateStore store) => this.store = store;

    /// <summary>The lock every handler holds while it reads or changes the state.</summary>
    public object Gate { get; } = new();

    /// <summary>Whether changes are kept (a data directory was given).</summary>
    public bool IsPersistent => store.IsPersistent;

    /// <summary>
    /// The documents of <paramref name="kind"/> (one per entity, keyed by <paramref name="key"/>), loaded from the store
    /// on first use; <paramref name="loaded"/> runs once after loading (to attach rows, rebuild indexes).
    /// </summary>
    public DocumentSet<T> Documents<T>(string kind, Func<T, string> key, Action<DocumentSet<T>>? loaded = null)
        where T : class
    {
        if (kinds.TryGetValue(kind, out var existing)) return (DocumentSet<T>)existing;
        var set = new DocumentSet<T>(this, kind, key);
        foreach (var (_, body) in store.LoadDocuments(kind)) set.Load(JsonSerializer.Deserialize<T>(body, Json)!);
        kinds[kind] = set;
        recorders.Add(set);
        loaded?.Invoke(set);
        return set;
    }

    /// <summary>The append-only rows of <paramref name="kind"/>; <paramref name="loaded"/> receives the stored ones once, in order.</summary>
    public RowLog<T> Rows<T>(string kind, Action<string, T>? loaded = null)
        where T : class
    {
        if (kinds.TryGetValue(kind, out var existing)) return (RowLog<T>)existing;
        var log = new RowLog<T>(this, kind);
        kinds[kind] = log;
        recorders.Add(log);
        if (loaded is not null)
        {
            foreach (var (owner, body) in store.LoadRows(kind))
                foreach (var row in JsonSerializer.Deserialize<List<T>>(body, Json)!) loaded(owner, row);
        }
        return log;
    }

    /// <summary>Writes what the current request changed, in one transaction (under <see cref="Gate"/>).</summary>
    public void Commit()
    {
        if (!store.IsPersistent)
        {
            foreach (var recorder in recorders) recorder.Forget();
            return;
        }
        pending.Clear();
        foreach (var recorder in recorders) recorder.Collect(pending);
        try
        {
            store.Apply(pending);
        }
        finally
        {
            pending.Clear();
        }
    }

    /// <summary>Forgets what the current request recorded (it failed before changing anything that matters).</summary>
    public void Discard()
    {
        foreach (var recorder in recorders) recorder.Forget();
    }

    public void Dispose() => store.Dispose();
}

/// <summary>One kind of entity: a dictionary in memory, each entity one JSON document in the store.</summary>
internal sealed class DocumentSet<T> : IRecordedChanges
    where T : class
{
    private readonly ServerState state;
    private readonly string kind;
    private readonly Func<T, string> key;
    private readonly Dictionary<string, T> items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, T?> touched = new(StringComparer.Ordinal);

    internal DocumentSet(ServerState state, string kind, Func<T, string> key)
    {
        this.state = state;
        this.kind = kind;
        this.key = key;
    }

    public int Count => items.Count;

    public IEnumerable<T> Values => items.Values;

    public T? Find(string id) => items.GetValueOrDefault(id);

    public bool Contains(string id) => items.ContainsKey(id);

    /// <summary>Adds or replaces an entity and records it for the next commit.</summary>
    public void Add(T entity)
    {
        var id = key(entity);
        items[id] = entity;
        Touch(entity);
    }

    /// <summary>Records that <paramref name="entity"/> changed (it is serialised at commit, with every later change).</summary>
    public void Touch(T entity)
    {
        if (state.IsPersistent) touched[key(entity)] = entity;
    }

    /// <summary>Removes the entity <paramref name="id"/> (when present) and records the removal.</summary>
    public bool Remove(string id)
    {
        var removed = items.Remove(id);
        if (state.IsPersistent) touched[id] = null;
        return removed;
    }

    /// <summary>Moves an entity to a new id (a registered model renamed): the old document goes, the new one comes.</summary>
    public void Rekey(string oldId, T entity)
    {
        Remove(oldId);
        Add(entity);
    }

    internal void Load(T entity) => items[key(entity)] = entity;

    void IRecordedChanges.Collect(List<StoreChange> changes)
    {
        foreach (var (id, entity) in touched)
        {
            changes.Add(entity is null
                ? new StoreChange.Remove(kind, id)
                : new StoreChange.Put(kind, id, JsonSerializer.Serialize(entity, ServerState.Json)));
        }
        touched.Clear();
    }

    void IRecordedChanges.Forget() => touched.Clear();
}

/// <summary>
/// Append-only rows of one kind, each owned by an entity id (a run's metric points). What one request appends for one
/// owner is stored as one row holding the JSON array of its items, so a log-batch of 1000 points is one insert.
/// </summary>
internal sealed class RowLog<T> : IRecordedChanges
    where T : class
{
    private readonly ServerState state;
    private readonly string kind;
    private readonly List<(string Owner, List<T>? Rows)> appended = [];

    internal RowLog(ServerState state, string kind)
    {
        this.state = state;
        this.kind = kind;
    }

    /// <summary>Records a new row for the next commit (the caller keeps it in memory itself).</summary>
    public void Append(string owner, T row)
    {
        if (!state.IsPersistent) return;
        if (appended.Count > 0 && appended[^1].Owner == owner && appended[^1].Rows is { } rows) rows.Add(row);
        else appended.Add((owner, [row]));
    }

    /// <summary>Records that every row of <paramref name="owner"/> goes (its entity was removed).</summary>
    public void RemoveOwner(string owner)
    {
        if (state.IsPersistent) appended.Add((owner, null));
    }

    void IRecordedChanges.Collect(List<StoreChange> changes)
    {
        foreach (var (owner, rows) in appended)
        {
            changes.Add(rows is null
                ? new StoreChange.RemoveRows(kind, owner)
                : new StoreChange.Append(kind, owner, JsonSerializer.Serialize(rows, ServerState.Json)));
        }
        appended.Clear();
    }

    void IRecordedChanges.Forget() => appended.Clear();
}
