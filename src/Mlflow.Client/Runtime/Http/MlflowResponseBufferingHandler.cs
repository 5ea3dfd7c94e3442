using System.Net.Http.Headers;
using Polly.Timeout;

namespace Mlflow;

/// <summary>
/// Reads MLflow's JSON answers and every error answer completely inside the attempt, under the per-attempt timeout
/// and before the retry decision. Without it the body would be read after the pipeline returned (Kiota reads answers
/// once the headers are in), so an answer that broke off half-way surfaced as a bare <see cref="IOException"/> and
/// a server that stalled after the headers hung the call forever. Here a body that breaks off is a transport
/// failure of the attempt (retried, then <see cref="MlflowConnectionException"/>), a body that stalls hits the
/// attempt timeout (retried, then <see cref="MlflowTimeoutException"/>), and a body that does not decode, or an
/// HTML page where JSON was asked for, is an <see cref="MlflowProtocolException"/> (not retried). Streams are left
/// alone: artifact file routes, event streams and non-JSON successes are not buffered.
/// </summary>
internal sealed class MlflowResponseBufferingHandler : DelegatingHandler
{
    /// <summary>Largest answer buffered (MLflow pages its searches; a bigger body is an artifact, or not MLflow's).</summary>
    internal const long MaxBufferedBytes = 256L * 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var success = MlflowStatus.IsSuccess(response.StatusCode);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (success && IsHtml(mediaType) && (AcceptsOnlyJson(request) || IsApiWrite(request)))
        {
            var error = MlflowProtocolException.Details(
                $"Expected a JSON answer from MLflow but got an HTML page ({(int)response.StatusCode}, {mediaType}): {request.Method} {Redact(request.RequestUri)}. "
                + "A proxy, load balancer or single sign-on page in front of the MLflow server answered instead of MLflow; check MLFLOW_TRACKING_URI and the credentials.",
                response.Content.Headers.ContentType?.ToString(), response.StatusCode, request.Method.Method, Redact(request.RequestUri));
            response.Dispose();
            throw new MlflowProtocolException(error.Message, error, null);
        }

        if (!ShouldBuffer(request, response, success, mediaType))
        {
            // Artifact bytes stream to the caller: a body that breaks off or does not decode while it is read still
            // surfaces as an MlflowException (not retried: part of it may already be written).
            if (success && IsArtifactFileRoute(request.RequestUri))
            {
                response.Content = new MlflowStreamedContent(response.Content, request, response.StatusCode);
            }

            return response;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(MaxBufferedBytes, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutRejectedException)
        {
            response.Dispose();
            throw;
        }
        catch (HttpRequestException)
        {
            response.Dispose();
            throw;
        }
        catch (InvalidDataException ex)
        {
            // Content-Encoding that does not decode (a corrupt gzip body): the same answer would come again.
            var encoding = string.Join(",", response.Content.Headers.ContentEncoding);
            var error = MlflowProtocolException.Details(
                $"The answer to {request.Method} {Redact(request.RequestUri)} ({(int)response.StatusCode}) could not be decoded (Content-Encoding: {encoding}): {ex.Message}",
                response.Content.Headers.ContentType?.ToString(), response.StatusCode, request.Method.Method, Redact(request.RequestUri));
            response.Dispose();
            throw new MlflowProtocolException(error.Message, error, ex);
        }
        catch (IOException ex)
        {
            // The body broke off (connection reset or closed before Content-Length): a failed attempt, retried.
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded, $"The answer broke off while its body was read: {ex.Message}", ex);
        }
    }

    private static bool ShouldBuffer(HttpRequestMessage request, HttpResponseMessage response, bool success, string? mediaType)
    {
        if (!success) return true;
        if (!IsJson(mediaType) || IsArtifactFileRoute(request.RequestUri)) return false;
        foreach (var accept in request.Headers.Accept)
        {
            if (string.Equals(accept.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase)) return false;
        }

        return response.Content.Headers.ContentLength is not > MaxBufferedBytes;
    }

    internal static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static bool IsHtml(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));

    private static bool AcceptsOnlyJson(HttpRequestMessage request)
    {
        var any = false;
        foreach (MediaTypeWithQualityHeaderValue accept in request.Headers.Accept)
        {
            if (!IsJson(accept.MediaType)) return false;
            any = true;
        }

        return any;
    }

    // A write to MLflow's API (an artifact upload included) is never answered with a page by MLflow itself.
    private static bool IsApiWrite(HttpRequestMessage request) =>
        request.Method != HttpMethod.Get && request.Method != HttpMethod.Head
        && request.RequestUri is { } uri && uri.AbsolutePath.Contains("/api/", StringComparison.Ordinal);

    // Artifact bytes stream (the proxy's file routes and the get-artifact routes), whatever their content type.
    private static bool IsArtifactFileRoute(Uri? uri)
    {
        if (uri is null) return false;
        var path = uri.AbsolutePath;
        return path.Contains("/mlflow-artifacts/artifacts/", StringComparison.Ordinal) || path.Contains("get-artifact", StringComparison.Ordinal);
    }

    private static Uri? Redact(Uri? uri) => uri is null ? null : MlflowErrorParser.RedactUserInfo(uri);
}
