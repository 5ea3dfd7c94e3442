namespace Mlflow.Testing.Store;

/// <summary>One recorded change, applied by <see cref="StateStore.Apply"/> with the others of its request.</summary>
internal abstract record StoreChange(string Kind)
{
    /// <summary>Insert or replace the document <paramref name="Id"/> of a kind.</summary>
    public sealed record Put(string Kind, string Id, string Body) : StoreChange(Kind);

    /// <summary>Remove the document <paramref name="Id"/> of a kind.</summary>
    public sealed record Remove(string Kind, string Id) : StoreChange(Kind);

    /// <summary>Append a row to the log of a kind, owned by <paramref name="Owner"/>.</summary>
    public sealed record Append(string Kind, string Owner, string Body) : StoreChange(Kind);

    /// <summary>Remove every row of a kind owned by <paramref name="Owner"/>.</summary>
    public sealed record RemoveRows(string Kind, string Owner) : StoreChange(Kind);
}

/// <summary>
/// Where the server's state lives between runs. Two shapes of data, both keyed by a kind name:
/// <list type="bullet">
/// <item>documents: one JSON text per entity id (an experiment, a run without its metrics, a registered model with
/// its versions, a webhook...), replaced whole when the entity changes;</item>
/// <item>rows: append-only JSON texts owned by an entity id (a run's metric points), for data that only grows and
/// would be costly to rewrite with its owner.</item>
/// </list>
/// The server keeps everything in memory as its working set and calls <see cref="Apply"/> once per changing request
/// with everything that request changed, so a store writes one transaction per request, not one per row.
/// </summary>
internal abstract class StateStore : IDisposable
{
    /// <summary>Whether anything is kept: false for the in-memory default, which skips serialising altogether.</summary>
    public abstract bool IsPersistent { get; }

    /// <summary>The stored documents of a kind (called once per kind, when the server first uses it).</summary>
    public abstract IEnumerable<(string Id, string Body)> LoadDocuments(string kind);

    /// <summary>The stored rows of a kind, in the order they were appended.</summary>
    public abstract IEnumerable<(string Owner, string Body)> LoadRows(string kind);

    /// <summary>Applies the changes of one request atomically: all of them or none.</summary>
    public abstract void Apply(IReadOnlyList<StoreChange> changes);

    public virtual void Dispose()
    {
    }
}

/// <summary>The default: nothing is kept; the state lives and dies with the server.</summary>
internal sealed class MemoryStateStore : StateStore
{
    public override bool IsPersistent => false;

    public override IEnumerable<(string Id, string Body)> LoadDocuments(string kind) => [];

    public override IEnumerable<(string Owner, string Body)> LoadRows(string kind) => [];

    public override void Apply(IReadOnlyList<StoreChange> changes)
    {
    }
}
