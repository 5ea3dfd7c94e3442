using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Mlflow;

/// <summary>
/// The retry policy of MLflow's Python client, on Polly (Microsoft.Extensions.Http.Resilience) with a
/// <see cref="TimeProvider"/>: retry on the configured statuses (408, 429, 500, 502, 503, 504), on connection errors
/// and on per-attempt timeouts, for every method (POST included, as MLflow does); no sleep before the first retry,
/// then <c>factor × 2^(n−1)</c> seconds plus a random jitter, at most 120 s; <c>Retry-After</c> (seconds or HTTP
/// date) replaces the backoff on 413, 429 and 503; no retry is started whose delay would end past the deadline.
/// </summary>
public static partial class MlflowRetryPolicy
{
    private static readonly ResiliencePropertyKey<TimeSpan> DelayKey = new("Mlflow.RetryDelay");
    private static readonly int[] RetryAfterStatuses = [413, 429, 503];
    private static readonly TimeSpan MaxPollyTimeout = TimeSpan.FromDays(1);

    /// <summary>Builds the pipeline: retries outside, the per-attempt timeout inside.</summary>
    /// <param name="settings">Retry and timeout settings.</param>
    /// <param name="timeProvider">Clock for delays, timeouts and the deadline.</param>
    /// <param name="logger">Logger for retry decisions (Debug).</param>
    /// <returns>The pipeline.</returns>
    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(MlflowSettings settings, TimeProvider timeProvider, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "Mlflow.Client", TimeProvider = timeProvider };
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.Zero,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(settings, timeProvider, args)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Context.Properties.TryGetValue(DelayKey, out var delay) ? delay : TimeSpan.Zero),
                OnRetry = args =>
                {
                    if (logger is not null && logger.IsEnabled(LogLevel.Debug))
                    {
                        var request = args.Context.GetRequestMessage();
                        var reason = args.Outcome.Exception is { } e ? e.GetType().Name : ((int)args.Outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        LogRetry(logger, request?.Method.Method ?? "?", request?.RequestUri is { } u ? MlflowErrorParser.RedactUserInfo(u).ToString() : "?", reason, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds);
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        if (settings.Timeout != Timeout.InfiniteTimeSpan && settings.Timeout < MaxPollyTimeout)
        {
            // A request may carry its own attempt timeout (MlflowRequestOptions.AttemptTimeout), e.g. a streamed
            // artifact upload whose length has nothing to do with the server's think time.
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = settings.Timeout,
                TimeoutGenerator = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(MlflowRequestOptions.AttemptTimeout, out var own)
                        ? own
                        : settings.Timeout),
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// The backoff before retry number <paramref name="retry"/> (1-based), as urllib3 computes it: 0 for the first
    /// retry, then <c>factor × 2^(retry−1)</c> plus <c>jitter × random</c>, capped at 120 s.
    /// </summary>
    /// <param name="retry">Retry number, from 1.</param>
    /// <param name="factor">Backoff factor in seconds.</param>
    /// <param name="jitter">Jitter bound in seconds.</param>
    /// <param name="random">A number in [0, 1) for the jitter.</param>
    /// <returns>The delay.</returns>
    public static TimeSpan Backoff(int retry, double factor, double jitter, double random)
    {
        if (retry <= 1) return TimeSpan.Zero;
        var seconds = (factor * Math.Pow(2, retry - 1)) + (jitter * random);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 0, MlflowSettings.MaxBackoff.TotalSeconds));
    }

    private static bool ShouldRetry(MlflowSettings settings, TimeProvider timeProvider, RetryPredicateArguments<HttpResponseMessage> args)
    {
        var outcome = args.Outcome;
        TimeSpan? retryAfter = null;
        if (outcome.Exception is { } exception)
        {
            var retryable = exception switch
            {
                HttpRequestException => true,
                TimeoutRejectedException => true,
                _ => false,
            };
            if (!retryable || args.Context.CancellationToken.IsCancellationRequested) return false;
        }
        else if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            if (settings.RespectRetryAfter && RetryAfterStatuses.Contains(status))
            {
                retryAfter = ReadRetryAfter(response, timeProvider);
            }

            if (!settings.RetryStatusCodes.Contains(status) && retryAfter is null) return false;
        }
        else
        {
            return false;
        }

        var delay = retryAfter ?? Backoff(args.AttemptNumber + 1, settings.BackoffFactor, settings.BackoffJitter, Random.Shared.NextDouble());
        if (settings.RetryDeadline != Timeout.InfiniteTimeSpan && args.Context.GetRequestMessage() is { } request
            && request.Options.TryGetValue(MlflowRequestState.Key, out var state)
            && timeProvider.GetElapsedTime(state.StartTimestamp) + delay > settings.RetryDeadline)
        {
            return false;
        }

        args.Context.Properties.Set(DelayKey, delay);
        return true;
    }

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        if (header is null) return null;
        if (header.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Retrying HTTP {Method} {Url} after {Reason}: retry {Retry} in {DelaySeconds:0.###} s")]
    private static partial void LogRetry(ILogger logger, string method, string url, string reason, int retry, double delaySeconds);
}

/// <summary>Runs the retry pipeline around the inner handlers (a thin wrapper of <see cref="ResilienceHandler"/>).</summary>
internal static class MlflowRetryHandler
{
    public static DelegatingHandler Create(MlflowSettings settings, TimeProvider timeProvider, ILogger? logger) =>
        new ResilienceHandler(MlflowRetryPolicy.CreatePipeline(settings, timeProvider, logger));
}

/// <summary>Per-request options understood by the SDK's HTTP pipeline (set them on <see cref="HttpRequestMessage.Options"/>).</summary>
public static class MlflowRequestOptions
{
    /// <summary>
    /// The timeout of one attempt of this request, replacing <see cref="MlflowSettings.Timeout"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables it (the caller then bounds the request itself).
    /// </summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeout = new("Mlflow.AttemptTimeout");
}

/// <summary>The HTTP statuses that count as success for the pipeline (2xx).</summary>
internal static class MlflowStatus
{
    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and <= 299;
}
