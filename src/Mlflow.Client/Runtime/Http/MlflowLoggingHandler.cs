using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Mlflow;

/// <summary>
/// Logs every attempt at Debug: method, URL (user info removed), headers with secrets redacted, status and
/// duration. Bodies are never logged (they can hold passwords, gateway secrets and tokens).
/// </summary>
internal sealed partial class MlflowLoggingHandler(ILogger logger, TimeProvider timeProvider) : DelegatingHandler
{
    internal const string Redacted = "[redacted]";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = MlflowRequestState.GetOrCreate(request, timeProvider);
        state.Attempts++;
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var url = request.RequestUri is null ? string.Empty : MlflowErrorParser.RedactUserInfo(request.RequestUri).ToString();
        LogRequest(logger, request.Method.Method, url, state.Attempts, FormatHeaders(request.Headers, request.Content?.Headers));
        var start = timeProvider.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            LogResponse(logger, request.Method.Method, url, (int)response.StatusCode, timeProvider.GetElapsedTime(start).TotalMilliseconds, FormatHeaders(response.Headers, response.Content?.Headers));
            return response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailure(logger, request.Method.Method, url, timeProvider.GetElapsedTime(start).TotalMilliseconds, ex.GetType().Name, ex.Message);
            throw;
        }
    }

    /// <summary>True for headers whose values are secrets.</summary>
    internal static bool IsSensitive(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("password", StringComparison.OrdinalIgnoreCase)
        || name.Contains("api-key", StringComparison.OrdinalIgnoreCase)
        || name.Contains("apikey", StringComparison.OrdinalIgnoreCase)
        || name.Contains("signature", StringComparison.OrdinalIgnoreCase);

    private static string FormatHeaders(HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        var builder = new StringBuilder();
        Append(headers);
        if (contentHeaders is not null) Append(contentHeaders);
        return builder.ToString();

        void Append(HttpHeaders source)
        {
            foreach (var header in source)
            {
                if (builder.Length > 0) builder.Append(", ");
                builder.Append(header.Key).Append(": ");
                if (IsSensitive(header.Key))
                {
                    // Keep the scheme (Basic/Bearer) of Authorization, never the credential.
                    var first = header.Value.FirstOrDefault() ?? string.Empty;
                    var space = first.IndexOf(' ', StringComparison.Ordinal);
                    builder.Append(header.Key.EndsWith("Authorization", StringComparison.OrdinalIgnoreCase) && space > 0 ? first[..space] + " " + Redacted : Redacted);
                }
                else
                {
                    builder.Append(string.Join(",", header.Value));
                }
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} (attempt {Attempt}) headers: {Headers}")]
    private static partial void LogRequest(ILogger logger, string method, string url, int attempt, string headers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} answered {StatusCode} in {ElapsedMs:0.0} ms; headers: {Headers}")]
    private static partial void LogResponse(ILogger logger, string method, string url, int statusCode, double elapsedMs, string headers);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} failed after {ElapsedMs:0.0} ms: {ErrorType}: {ErrorMessage}")]
    private static partial void LogFailure(ILogger logger, string method, string url, double elapsedMs, string errorType, string errorMessage);
}
