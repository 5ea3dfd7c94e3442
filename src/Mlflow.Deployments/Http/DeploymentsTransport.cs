using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlflow.Deployments.Http;

/// <summary>
/// HTTP plumbing shared by the built-in targets: MLflow's deployments retry policy and timeouts (both driven by the
/// options' <see cref="TimeProvider"/>), error mapping, and Server-Sent Events parsed with the framework's
/// <see cref="SseParser"/>.
/// </summary>
internal sealed class DeploymentsTransport : IDisposable
{
    private const string Json = "application/json";
    private const string EventStream = "text/event-stream";

    private readonly DeploymentClientOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    public DeploymentsTransport(Uri baseUri, DeploymentClientOptions options)
    {
        // Keep any path prefix of the base URI: relative paths are resolved under it.
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _options = options;
        if (options.HttpClient is { } http)
        {
            _http = http;
        }
        else
        {
            _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttp = true;
        }
    }

    public Uri BaseUri { get; }

    public DeploymentClientOptions Options => _options;

    public Uri Resolve(string relative) => new(BaseUri, relative.TrimStart('/'));

    /// <summary>Sends a request and returns the success body (JSON text) with the kept headers.</summary>
    public async Task<PredictionsResponse> SendAsync(
        HttpMethod method, string relative, string? jsonBody, TimeSpan timeout, CancellationToken cancellationToken,
        string accept = Json)
    {
        using var response = await SendWithPolicyAsync(
            method, relative, jsonBody, accept, timeout, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new PredictionsResponse(body, KeptHeaders(response));
    }

    public Task<PredictionsResponse> GetAsync(string relative, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, relative, null, _options.RequestTimeout, cancellationToken);

    /// <summary>
    /// Sends a streaming request and yields one chunk per SSE event. <c>[DONE]</c> ends the stream; an error frame
    /// or a broken body throws <see cref="DeploymentsStreamException"/>; a JSON answer (targets that ignore
    /// <c>stream</c>, e.g. embeddings) is yielded as a single chunk.
    /// </summary>
    public async IAsyncEnumerable<PredictionChunk> StreamAsync(
        string relative, string jsonBody, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendWithPolicyAsync(
            HttpMethod.Post, relative, jsonBody, EventStream, _options.PredictTimeout,
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, EventStream, StringComparison.OrdinalIgnoreCase))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            yield return new PredictionChunk(body);
            yield break;
        }

        var uri = Resolve(relative);
        using var stream = new EventStreamEndStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var parser = SseParser.Create(stream);
        await using var events = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var delivered = 0;
        while (true)
        {
            bool more;
            try
            {
                more = await events.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new DeploymentsStreamException(
                    $"POST {uri.AbsolutePath}: the event stream broke off after {delivered} chunk(s) "
                    + $"(the server closed the connection without finishing the answer): {ex.Message}",
                    delivered, ex);
            }

            if (!more)
            {
                yield break;
            }

            var item = events.Current;
            if (item.Data.Trim() == "[DONE]")
            {
                yield break;
            }

            var chunk = new PredictionChunk(item.Data, item.EventType, item.EventId);
            if (IsErrorFrame(chunk, out var detail, out var code))
            {
                throw new DeploymentsStreamException(
                    $"POST {uri.AbsolutePath}: the server sent an error in the event stream after {delivered} chunk(s)"
                    + (code is null ? "" : $" ({code})") + $": {detail}",
                    delivered, errorFrame: chunk.Json?.DeepClone());
            }

            delivered++;
            yield return chunk;
        }
    }

    private static bool IsErrorFrame(PredictionChunk chunk, out string? detail, out string? code)
    {
        detail = null;
        code = null;
        var isErrorEvent = string.Equals(chunk.EventType, "error", StringComparison.OrdinalIgnoreCase);
        if (chunk.Json is JsonObject obj && !obj.ContainsKey("choices")
            && (obj.TryGetPropertyValue("error", out var error) || obj.TryGetPropertyValue("detail", out error)))
        {
            (detail, code) = error switch
            {
                JsonObject inner => DeploymentsErrors.FromErrorObject(inner),
                JsonValue v when v.TryGetValue<string>(out var s) => (s, null),
                _ => (error?.ToJsonString(), null),
            };
            return true;
        }

        if (isErrorEvent)
        {
            detail = chunk.Data;
            return true;
        }

        return false;
    }

    private async Task<HttpResponseMessage> SendWithPolicyAsync(
        HttpMethod method, string relative, string? jsonBody, string accept, TimeSpan timeout,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var uri = Resolve(relative);
        for (var retry = 0; ; retry++)
        {
            using var timeoutCts = timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan
                ? new CancellationTokenSource(timeout, _options.TimeProvider)
                : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
            HttpResponseMessage response;
            try
            {
                using var request = CreateRequest(method, uri, jsonBody, accept);
                response = await _http.SendAsync(request, completion, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Our timeout, or the supplied HttpClient's own Timeout (which fires as a cancellation too).
                var elapsed = timeoutCts.IsCancellationRequested ? timeout : _http.Timeout;
                throw new DeploymentsTimeoutException(
                    $"{method} {uri.AbsolutePath} timed out after {elapsed.TotalSeconds:0.###} s.", elapsed, ex);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null)
            {
                if (retry < _options.MaxRetries)
                {
                    await DelayAsync(BackoffDelay(retry + 1), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new DeploymentsException($"{method} {uri}: the target could not be reached: {ex.Message}", ex);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            if (retry < _options.MaxRetries && _options.RetryStatusCodes.Contains((int)response.StatusCode))
            {
                var delay = RetryAfter(response) ?? BackoffDelay(retry + 1);
                response.Dispose();
                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var details = DeploymentsErrors.Parse(response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
                throw DeploymentsErrors.Create(method, uri, details);
            }
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, Uri uri, string? jsonBody, string accept)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.ParseAdd(accept);
        foreach (var (name, value) in _options.DefaultHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonBody));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(Json);
        }

        return request;
    }

    /// <summary>urllib3's schedule: nothing before the first retry, then factor × 2^(n−1) plus jitter, capped.</summary>
    internal TimeSpan BackoffDelay(int retryNumber)
    {
        if (retryNumber <= 1 || _options.BackoffFactor <= 0)
        {
            return TimeSpan.Zero;
        }

        var seconds = _options.BackoffFactor * Math.Pow(2, retryNumber - 1);
        if (_options.BackoffJitter > 0)
        {
            seconds += _options.JitterSource() * _options.BackoffJitter;
        }

        return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxBackoff.TotalSeconds));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (!_options.RespectRetryAfterHeader
            || response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            || response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - _options.TimeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _options.TimeProvider, cancellationToken);

    private static Dictionary<string, string> KeptHeaders(HttpResponseMessage response)
    {
        var kept = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            var lower = name.ToLowerInvariant();
            if (lower == "content-type" || lower.StartsWith("x-", StringComparison.Ordinal))
            {
                kept[lower] = string.Join(", ", values);
            }
        }

        return kept;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
