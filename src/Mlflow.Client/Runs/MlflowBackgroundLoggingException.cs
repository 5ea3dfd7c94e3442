using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>What the background logger could not log: one log-batch request's entries for a run, and why.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Metrics">The metric values not logged, in the order they were logged.</param>
/// <param name="Params">The params not logged.</param>
/// <param name="Tags">The tags not set.</param>
/// <param name="Error">The error the last attempt failed with.</param>
public sealed record MlflowNotLoggedBatch(string RunId, IReadOnlyList<Metric> Metrics, IReadOnlyList<Param> Params, IReadOnlyList<RunTag> Tags, Exception Error);

/// <summary>
/// Thrown by a flush or a disposal when entries logged with <c>synchronous: false</c> could not be logged: the server
/// refused them (a bad run id, a changed param value, a finished run) or kept failing past the retry timeout.
/// <see cref="NotLogged"/> holds every such entry; nothing is dropped silently.
/// </summary>
public sealed class MlflowBackgroundLoggingException : MlflowException
{
    /// <summary>Creates the exception from the batches that failed.</summary>
    /// <param name="notLogged">The batches not logged.</param>
    public MlflowBackgroundLoggingException(IReadOnlyList<MlflowNotLoggedBatch> notLogged)
        : base(Describe(notLogged), (notLogged ?? throw new ArgumentNullException(nameof(notLogged))).Count > 0 && notLogged[0].Error is MlflowException first ? first.ErrorCode : MlflowErrorCode.InternalError,
            notLogged.Count > 0 ? notLogged[0].Error : null)
    {
        NotLogged = notLogged;
    }

    /// <summary>The entries that were not logged, one element per failed request.</summary>
    public IReadOnlyList<MlflowNotLoggedBatch> NotLogged { get; }

    /// <summary>How many metrics, params and tags were not logged in total.</summary>
    public int NotLoggedCount => NotLogged.Sum(b => b.Metrics.Count + b.Params.Count + b.Tags.Count);

    private static string Describe(IReadOnlyList<MlflowNotLoggedBatch> notLogged)
    {
        ArgumentNullException.ThrowIfNull(notLogged);
        var metrics = notLogged.Sum(b => b.Metrics.Count);
        var parameters = notLogged.Sum(b => b.Params.Count);
        var tags = notLogged.Sum(b => b.Tags.Count);
        var runs = string.Join(", ", notLogged.Select(b => b.RunId).Distinct(StringComparer.Ordinal).Take(5));
        var first = notLogged.Count > 0 ? notLogged[0].Error.Message : "";
        return $"Background logging could not log {metrics} metrics, {parameters} params and {tags} tags (run {runs}) in {notLogged.Count} requests; NotLogged lists them. First error: {first}";
    }
}
