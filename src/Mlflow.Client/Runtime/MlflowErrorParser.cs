using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mlflow;

public static partial class MlflowErrorCodes
{
    /// <summary>
    /// The code MLflow's Python client derives from an HTTP status when the body carries none
    /// (<c>mlflow.exceptions.get_error_code</c>): 400 <c>BAD_REQUEST</c>, 401 <c>UNAUTHENTICATED</c>,
    /// 403 <c>PERMISSION_DENIED</c>, 404 <c>ENDPOINT_NOT_FOUND</c>, 409 <c>ALREADY_EXISTS</c>,
    /// 429 <c>RESOURCE_EXHAUSTED</c>, 499 <c>CANCELLED</c>, 501 <c>NOT_IMPLEMENTED</c>,
    /// 503 <c>TEMPORARILY_UNAVAILABLE</c>, 504 <c>DEADLINE_EXCEEDED</c>, anything else <c>INTERNAL_ERROR</c>.
    /// </summary>
    /// <param name="status">The HTTP status.</param>
    /// <returns>The code.</returns>
    public static MlflowErrorCode FromHttpStatus(int status) => status switch
    {
        400 => MlflowErrorCode.BadRequest,
        401 => MlflowErrorCode.Unauthenticated,
        403 => MlflowErrorCode.PermissionDenied,
        404 => MlflowErrorCode.EndpointNotFound,
        409 => MlflowErrorCode.AlreadyExists,
        429 => MlflowErrorCode.ResourceExhausted,
        499 => MlflowErrorCode.Cancelled,
        501 => MlflowErrorCode.NotImplemented,
        503 => MlflowErrorCode.TemporarilyUnavailable,
        504 => MlflowErrorCode.DeadlineExceeded,
        _ => MlflowErrorCode.InternalError,
    };
}

/// <summary>Turns a non-2xx answer into an <see cref="MlflowException"/> of the right type.</summary>
public static partial class MlflowErrorParser
{
    private const int MaxMessageLength = 2000;

    /// <summary>Parses an error answer whose body was already read.</summary>
    /// <param name="status">HTTP status.</param>
    /// <param name="contentType">Content type of the body, if any.</param>
    /// <param name="body">Body text ("" when empty).</param>
    /// <param name="method">Request method.</param>
    /// <param name="requestUri">Request URL.</param>
    /// <param name="reasonPhrase">Reason phrase, used for empty bodies.</param>
    /// <returns>The parsed error.</returns>
    public static MlflowErrorDetails Parse(int status, string? contentType, string body, string? method, Uri? requestUri, string? reasonPhrase = null)
    {
        body ??= string.Empty;
        string? rawCode = null;
        string? message = null;
        JsonElement? json = null;

        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] == '{')
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                json = root.Clone();
                (rawCode, message) = ReadJsonError(root);
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        if (message is null)
        {
            message = body.Length == 0
                ? $"HTTP {status} {reasonPhrase ?? ReasonPhrase(status)} with an empty body"
                : LooksLikeHtml(body) ? HtmlToText(body) : body.Trim();
        }

        if (message.Length > MaxMessageLength) message = message[..MaxMessageLength] + "...";

        MlflowErrorCode code;
        var fromBody = rawCode is not null;
        if (rawCode is not null)
        {
            code = MlflowErrorCodes.Parse(rawCode);
            // MLflow's RestException also accepts an HTTP status in error_code.
            if (code == MlflowErrorCode.Unknown && int.TryParse(rawCode, out var numeric) && numeric is >= 100 and <= 599)
            {
                code = MlflowErrorCodes.FromHttpStatus(numeric);
            }
        }
        else
        {
            code = MlflowErrorCodes.FromHttpStatus(status);
            rawCode = code.ToWireName();
        }

        return new MlflowErrorDetails
        {
            ErrorCode = code,
            RawErrorCode = rawCode,
            HasServerErrorCode = fromBody,
            Message = message,
            StatusCode = (HttpStatusCode)status,
            Method = method,
            RequestUri = requestUri is null ? null : RedactUserInfo(requestUri),
            ResponseBody = body,
            ResponseContentType = contentType,
            ErrorJson = json,
        };
    }

    /// <summary>Creates the exception subclass that fits the error (by code first, then by status).</summary>
    /// <param name="error">The parsed error.</param>
    /// <returns>The exception.</returns>
    public static MlflowException CreateException(MlflowErrorDetails error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var status = error.StatusCode is { } s ? (int)s : 0;
        // A code derived from the status (no code in the body) must not override the status' own meaning.
        switch (error.HasServerErrorCode ? error.ErrorCode : MlflowErrorCode.Unknown)
        {
            case MlflowErrorCode.ResourceDoesNotExist or MlflowErrorCode.NotFound or MlflowErrorCode.EndpointNotFound:
                return new MlflowNotFoundException(error);
            case MlflowErrorCode.ResourceAlreadyExists or MlflowErrorCode.AlreadyExists:
                return new MlflowAlreadyExistsException(error);
            case MlflowErrorCode.Unauthenticated or MlflowErrorCode.CustomerUnauthorized:
                return new MlflowUnauthenticatedException(error);
            case MlflowErrorCode.PermissionDenied:
                return new MlflowPermissionDeniedException(error);
            case MlflowErrorCode.RequestLimitExceeded or MlflowErrorCode.ResourceExhausted:
                return new MlflowRateLimitException(error);
            case MlflowErrorCode.ResourceConflict or MlflowErrorCode.Aborted:
                return new MlflowConflictException(error);
            case MlflowErrorCode.InvalidParameterValue or MlflowErrorCode.BadRequest or MlflowErrorCode.MalformedRequest:
                return new MlflowBadRequestException(error);
        }

        return status switch
        {
            404 => new MlflowNotFoundException(error),
            401 => new MlflowUnauthenticatedException(error),
            403 => new MlflowPermissionDeniedException(error),
            409 => new MlflowConflictException(error),
            429 => new MlflowRateLimitException(error),
            400 or 405 or 422 => new MlflowBadRequestException(error),
            >= 500 => new MlflowServerException(error),
            _ => new MlflowException(error),
        };
    }

    /// <summary>Reads the answer's body and builds the exception for a non-2xx response (the response is not disposed).</summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The exception.</returns>
    public static async Task<MlflowException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = string.Empty;
        string? contentType = null;
        if (response.Content is { } content)
        {
            contentType = content.Headers.ContentType?.ToString();
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(bytes);
        }

        var request = response.RequestMessage;
        var details = Parse((int)response.StatusCode, contentType, body, request?.Method.Method, request?.RequestUri, response.ReasonPhrase);
        return CreateException(details);
    }

    private static (string? Code, string? Message) ReadJsonError(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, null);
        string? code = null;
        string? message = null;
        if (root.TryGetProperty("error_code", out var codeElement))
        {
            code = codeElement.ValueKind == JsonValueKind.String ? codeElement.GetString() : codeElement.GetRawText();
            message = root.TryGetProperty("message", out var m) ? AsText(m) : $"Response: {root.GetRawText()}";
            return (code, message);
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            switch (detail.ValueKind)
            {
                case JsonValueKind.Object:
                    // FastAPI forwarding an MLflow error: {"detail": {"error_code": ..., "message": ...}}.
                    var (innerCode, innerMessage) = ReadJsonError(detail);
                    return (innerCode, innerMessage ?? detail.GetRawText());
                case JsonValueKind.Array:
                    // FastAPI validation errors: [{"type", "loc", "msg", "input"}].
                    var parts = new List<string>();
                    foreach (var item in detail.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.Object)
                        {
                            parts.Add(AsText(item));
                            continue;
                        }

                        var msg = item.TryGetProperty("msg", out var msgElement) ? AsText(msgElement) : item.GetRawText();
                        if (item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array)
                        {
                            msg = string.Join('.', loc.EnumerateArray().Select(AsText)) + ": " + msg;
                        }

                        parts.Add(msg);
                    }

                    return (null, parts.Count == 0 ? detail.GetRawText() : string.Join("; ", parts));
                default:
                    return (null, AsText(detail));
            }
        }

        if (root.TryGetProperty("message", out var onlyMessage)) return (null, AsText(onlyMessage));
        if (root.TryGetProperty("error", out var error))
        {
            return error.ValueKind == JsonValueKind.Object ? ReadJsonError(error) : (null, AsText(error));
        }

        return (null, null);
    }

    private static string AsText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString() ?? string.Empty : element.GetRawText();

    private static bool LooksLikeHtml(string body)
    {
        var start = body.AsSpan().TrimStart();
        return start.StartsWith("<!doctype", StringComparison.OrdinalIgnoreCase)
            || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            || (start.Length > 0 && start[0] == '<' && body.Contains("</", StringComparison.Ordinal));
    }

    private static string HtmlToText(string html)
    {
        // Flask error pages: <title>500 Internal Server Error</title><h1>...</h1><p>explanation</p>.
        var title = TitleRegex().Match(html);
        var paragraph = ParagraphRegex().Match(html);
        string text;
        if (title.Success && paragraph.Success)
        {
            text = Clean(title.Groups[1].Value) + ": " + Clean(paragraph.Groups[1].Value);
        }
        else
        {
            text = Clean(html);
        }

        return text.Length == 0 ? "(HTML body)" : text;

        static string Clean(string fragment) =>
            WhitespaceRegex().Replace(WebUtility.HtmlDecode(TagRegex().Replace(fragment, " ")), " ").Trim();
    }

    /// <summary>Removes user name and password from a URL (they must never reach logs or exceptions).</summary>
    /// <param name="uri">The URL.</param>
    /// <returns>The URL without user info.</returns>
    public static Uri RedactUserInfo(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || string.IsNullOrEmpty(uri.UserInfo)) return uri;
        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        return builder.Uri;
    }

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitleRegex();

    [GeneratedRegex(@"<p[^>]*>(.*?)(</p>|$)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ParagraphRegex();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.Singleline)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
