using System.Globalization;
using System.Net.Sockets;

namespace Mlflow;

/// <summary>
/// Nothing answered: every attempt to reach the server failed before an HTTP answer arrived (connection refused or
/// reset, host name not found, TLS handshake failed, the answer broke off), after the retries. The message says
/// which URL was tried, how many attempts were made over how long, and which settings change that
/// (<c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c> / <see cref="MlflowClientOptions.MaxRetries"/>,
/// <c>MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR</c> / <see cref="MlflowClientOptions.BackoffFactor"/>).
/// </summary>
/// <remarks>
/// The error code is the client-side <see cref="MlflowErrorCode.ConnectionFailed"/> (<c>CONNECTION_FAILED</c>):
/// MLflow never sent one, and it is not a server's <c>INTERNAL_ERROR</c>. <see cref="MlflowException.StatusCode"/>
/// is <see langword="null"/>; the last transport error is the <see cref="Exception.InnerException"/>.
/// </remarks>
public sealed class MlflowConnectionException : MlflowTransportException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was tried and how to change it.</param>
    /// <param name="method">HTTP method of the request.</param>
    /// <param name="requestUri">URL of the request (user info removed).</param>
    /// <param name="attempts">How many attempts were made (1 + retries).</param>
    /// <param name="elapsed">Time from the first attempt to the last failure, backoff waits included.</param>
    /// <param name="innerException">The last transport error.</param>
    public MlflowConnectionException(string message, string? method, Uri? requestUri, int attempts, TimeSpan elapsed, Exception? innerException)
        : base(message, MlflowErrorCode.ConnectionFailed, method, requestUri, innerException)
    {
        Attempts = attempts;
        Elapsed = elapsed;
        HttpRequestError = (innerException as HttpRequestException)?.HttpRequestError ?? HttpRequestError.Unknown;
    }

    /// <summary>How many attempts were made (the first one plus the retries).</summary>
    public int Attempts { get; }

    /// <summary>Time from the first attempt to the last failure, backoff waits included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The kind of the last failure as the HTTP stack reported it (e.g. <see cref="System.Net.Http.HttpRequestError.ConnectionError"/>).</summary>
    public HttpRequestError HttpRequestError { get; }

    /// <summary>Writes the message for a request that got no answer.</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="requestUri">Request URL (user info removed).</param>
    /// <param name="settings">The client's settings (tracking URI, retries, backoff).</param>
    /// <param name="attempts">Attempts made.</param>
    /// <param name="elapsed">Time spent.</param>
    /// <param name="error">The last transport error.</param>
    /// <returns>The message.</returns>
    internal static string Describe(string method, Uri? requestUri, MlflowSettings settings, int attempts, TimeSpan elapsed, Exception error)
    {
        var invariant = CultureInfo.InvariantCulture;
        var reason = Reason(error);
        var tries = attempts == 1 ? "1 attempt" : string.Create(invariant, $"{attempts} attempts");
        var retries = settings.MaxRetries;
        var retryHelp = retries == 0
            ? "Retries are off (MLFLOW_HTTP_REQUEST_MAX_RETRIES / MlflowClientOptions.MaxRetries = 0)."
            : string.Create(invariant, $"It retried up to {retries} times (MLFLOW_HTTP_REQUEST_MAX_RETRIES / MlflowClientOptions.MaxRetries = {retries}, ")
              + string.Create(invariant, $"backoff factor {settings.BackoffFactor:0.###} s: MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR / BackoffFactor); ")
              + "set MaxRetries = 0 (or MLFLOW_HTTP_REQUEST_MAX_RETRIES=0) to fail at once.";
        return string.Create(invariant, $"Could not reach the MLflow server at {settings.TrackingUri}: {reason}. ")
               + string.Create(invariant, $"{method} {requestUri} failed on {tries} over {elapsed.TotalSeconds:0.0} s. ")
               + retryHelp
               + " Check that the server is running there (e.g. `mlflow server --port 5000`) and that the URL is right "
               + "(MLFLOW_TRACKING_URI / MlflowClientOptions.TrackingUri).";
    }

    private static string Reason(Exception error)
    {
        for (var e = error.InnerException; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused (nothing is listening on that port)",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name could not be resolved",
                    SocketError.TimedOut => "the connection attempt timed out",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "the host is unreachable",
                    SocketError.ConnectionReset => "the connection was reset",
                    _ => socket.Message,
                };
            }
        }

        return error is HttpRequestException http
            ? http.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "the host name could not be resolved",
                HttpRequestError.SecureConnectionError => "the TLS handshake failed (" + http.Message + ")",
                HttpRequestError.ResponseEnded => "the connection closed before the answer was complete",
                _ => http.Message,
            }
            : error.Message;
    }
}
