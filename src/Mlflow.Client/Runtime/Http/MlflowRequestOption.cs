using Microsoft.Kiota.Abstractions;

namespace Mlflow;

/// <summary>
/// Per-request settings of the retry pipeline (<see cref="MlflowRetryPolicy"/>), overriding the client's
/// <see cref="MlflowSettings"/> for one request: a different per-attempt timeout, or no retry after a timed-out
/// attempt. Add it to a Kiota request (<c>requestConfiguration.Options.Add(new MlflowRequestOption { ... })</c>) or to
/// an <see cref="HttpRequestMessage"/> with <see cref="ApplyTo"/>. The deployments client uses it for MLflow's
/// separate predict and request timeouts.
/// </summary>
public sealed class MlflowRequestOption : IRequestOption
{
    private static readonly HttpRequestOptionsKey<IRequestOption> Key = new(typeof(MlflowRequestOption).FullName!);

    /// <summary>
    /// Timeout of each attempt of this request instead of <see cref="MlflowSettings.Timeout"/>;
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none, <see langword="null"/> to keep the client's.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>Whether an attempt that timed out is retried (default <see langword="true"/>, as for the client).</summary>
    public bool RetryOnTimeout { get; init; } = true;

    /// <summary>Attaches this option to <paramref name="request"/> (where Kiota puts request options).</summary>
    /// <param name="request">The request.</param>
    public void ApplyTo(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Key, this);
    }

    /// <summary>The option attached to <paramref name="request"/>, if any.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The option, or <see langword="null"/>.</returns>
    public static MlflowRequestOption? Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Key, out var option) ? option as MlflowRequestOption : null;
}
