using System.Diagnostics;
using System.Globalization;
using Polly.Timeout;

namespace Mlflow;

/// <summary>
/// Turns the final answer (after the retries) into an <see cref="MlflowException"/> when it is not 2xx, a transport
/// failure into an <see cref="MlflowConnectionException"/> (attempts and time spent in its message) and a timeout into
/// an <see cref="MlflowTimeoutException"/>. Kiota's own error mapping therefore never sees a
/// non-2xx answer: every error reaches the caller as an <see cref="MlflowException"/>, whatever the body format.
/// </summary>
internal sealed class MlflowErrorHandler(MlflowSettings settings, TimeProvider timeProvider) : DelegatingHandler
{
    private readonly MlflowMissingRoute _missingRoute = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            var (attempts, _) = Progress(request);
            throw new MlflowTimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"The request timed out after {ex.Timeout.TotalSeconds:0.###} s on every attempt ({attempts} in all): {request.Method} {Redact(request.RequestUri)}. ")
                + "The per-attempt timeout is MLFLOW_HTTP_REQUEST_TIMEOUT (seconds) / MlflowClientOptions.Timeout; the retries MLFLOW_HTTP_REQUEST_MAX_RETRIES / MaxRetries.",
                request.Method.Method, Redact(request.RequestUri), ex);
        }
        catch (HttpRequestException ex)
        {
            var (attempts, elapsed) = Progress(request);
            throw new MlflowConnectionException(
                MlflowConnectionException.Describe(request.Method.Method, Redact(request.RequestUri), settings, attempts, elapsed, ex),
                request.Method.Method, Redact(request.RequestUri), attempts, elapsed, ex);
        }

        if (MlflowStatus.IsSuccess(response.StatusCode)) return response;

        MlflowException error;
        try
        {
            error = await MlflowErrorParser.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
        }

        // A route the server does not have: name the operation and the MLflow versions (MlflowMissingRoute).
        throw await _missingRoute.RefineAsync(error, request, (r, ct) => base.SendAsync(r, ct), cancellationToken).ConfigureAwait(false);
    }

    private static Uri? Redact(Uri? uri) => uri is null ? null : MlflowErrorParser.RedactUserInfo(uri);

    /// <summary>Attempts made and time spent so far on this operation (from the state the inner handlers keep).</summary>
    private (int Attempts, TimeSpan Elapsed) Progress(HttpRequestMessage request) =>
        request.Options.TryGetValue(MlflowRequestState.Key, out var state)
            ? (Math.Max(state.Attempts, 1), timeProvider.GetElapsedTime(state.StartTimestamp))
            : (1, TimeSpan.Zero);
}

/// <summary>
/// One <see cref="Activity"/> per operation (all attempts), kind Client, following OpenTelemetry's HTTP client
/// conventions: <c>http.request.method</c>, <c>url.full</c> (no user info), <c>server.address</c>,
/// <c>server.port</c>, <c>http.response.status_code</c>, <c>http.request.resend_count</c>, <c>error.type</c>, plus
/// <c>mlflow.error_code</c> on MLflow errors.
/// </summary>
internal sealed class MlflowActivityHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var activity = MlflowTelemetry.ActivitySource.StartActivity(request.Method.Method, ActivityKind.Client);
        if (activity is null) return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        var uri = request.RequestUri is null ? null : MlflowErrorParser.RedactUserInfo(request.RequestUri);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            if (uri is not null)
            {
                activity.SetTag("url.full", uri.ToString());
                activity.SetTag("server.address", uri.Host);
                activity.SetTag("server.port", uri.Port);
            }
        }

        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            activity.SetTag("http.response.status_code", (int)response.StatusCode);
            SetResendCount(activity, request);
            return response;
        }
        catch (MlflowException ex)
        {
            SetResendCount(activity, request);
            if (ex.StatusCode is { } status)
            {
                activity.SetTag("http.response.status_code", (int)status);
                activity.SetTag("error.type", ((int)status).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                activity.SetTag("error.type", ex.InnerException?.GetType().FullName ?? ex.GetType().FullName);
            }

            activity.SetTag("mlflow.error_code", ex.RawErrorCode);
            activity.SetStatus(ActivityStatusCode.Error, ex.ServerMessage);
            throw;
        }
        catch (Exception ex)
        {
            SetResendCount(activity, request);
            activity.SetTag("error.type", ex.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private static void SetResendCount(Activity activity, HttpRequestMessage request)
    {
        if (request.Options.TryGetValue(MlflowRequestState.Key, out var state) && state.Attempts > 1)
        {
            activity.SetTag("http.request.resend_count", state.Attempts - 1);
        }
    }
}
