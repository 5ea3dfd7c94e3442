using System.Globalization;
using System.Net;

namespace Mlflow.Deployments.Http;

/// <summary>Maps error answers (FastAPI, MLflow, rate limiter, plain text, HTML) onto <see cref="DeploymentsException"/>.</summary>
internal static class DeploymentsErrors
{
    public static DeploymentsErrorDetails Parse(HttpStatusCode status, string? contentType, string body)
    {
        string? detail = null;
        string? code = null;
        IReadOnlyList<DeploymentsValidationError> validation = [];
        JsonNode? json = TryParseJson(body);
        if (json is JsonObject obj)
        {
            if (obj.TryGetPropertyValue("detail", out var d))
            {
                // FastAPI: {"detail": "..."} | {"detail": [{type, loc, msg, input, ctx?}]} |
                // tracking gateway: {"detail": {"error_code", "message"}}
                switch (d)
                {
                    case JsonArray items:
                        validation = items.Select(ToValidationError).ToArray();
                        detail = string.Join("; ", validation.Select(v => $"{v.LocationPath}: {v.Message}"));
                        break;
                    case JsonObject inner:
                        (detail, code) = FromErrorObject(inner);
                        break;
                    case JsonValue v:
                        detail = ValueText(v);
                        break;
                }
            }
            else if (obj.TryGetPropertyValue("error", out var e))
            {
                // slowapi 429: {"error": "Rate limit exceeded: ..."}; OpenAI-style: {"error": {"message", "type"}}
                (detail, code) = e switch
                {
                    JsonObject inner => FromErrorObject(inner),
                    JsonValue v => (ValueText(v), null),
                    _ => (null, null),
                };
            }
            else if (obj.ContainsKey("error_code") || obj.ContainsKey("message"))
            {
                // MLflow tracking-server error JSON.
                (detail, code) = FromErrorObject(obj);
            }
        }

        if (detail is null && json is null && !string.IsNullOrWhiteSpace(body))
        {
            detail = IsHtml(contentType, body) ? HtmlTitle(body) ?? "HTML error page" : body.Trim();
        }

        return new DeploymentsErrorDetails(status, detail, code, validation, body, contentType);
    }

    public static DeploymentsException Create(string method, Uri uri, DeploymentsErrorDetails details, Exception? innerException = null)
    {
        details = details with { Method = method, RequestUri = uri };
        var message = $"{method} {uri.AbsolutePath} failed: {(int)details.StatusCode} {ReasonPhrase(details.StatusCode)}"
                      + (details.Detail is null ? "" : ": " + details.Detail);
        return details.StatusCode == HttpStatusCode.NotFound
            ? new DeploymentNotFoundException(message, details, innerException)
            : new DeploymentsException(message, details, innerException);
    }

    /// <summary>
    /// The deployments error for an <see cref="MlflowException"/> of the pipeline: an answer's body parsed the
    /// deployments way (FastAPI validation errors, rate-limit text, ...), a timeout as
    /// <see cref="DeploymentsTimeoutException"/>, anything else (no answer: a connection failure) with its own message.
    /// The pipeline's exception is the inner exception.
    /// </summary>
    public static DeploymentsException Translate(MlflowException exception, string method, Uri uri, TimeSpan timeout) => exception switch
    {
        DeploymentsException deployments => deployments,
        MlflowTimeoutException => new DeploymentsTimeoutException(
            string.Create(CultureInfo.InvariantCulture, $"{method} {uri.AbsolutePath} timed out after {timeout.TotalSeconds:0.###} s. ")
            + $"The timeout is per attempt and not retried: {DeploymentClientOptions.PredictTimeoutVariable} / PredictTimeout for predictions, "
            + $"{DeploymentClientOptions.RequestTimeoutVariable} / RequestTimeout for other requests.",
            timeout, exception),
        { StatusCode: { } status } => Create(method, uri, Parse(status, exception.ResponseContentType, exception.ResponseBody ?? string.Empty), exception),
        _ => new DeploymentsException(exception.Message, exception.ErrorCode, exception),
    };

    internal static (string? Message, string? Code) FromErrorObject(JsonObject obj)
    {
        var message = obj["message"] is JsonValue m ? ValueText(m) : null;
        var code = obj["error_code"] is JsonValue c ? ValueText(c) : obj["type"] is JsonValue t ? ValueText(t) : null;
        return (message ?? obj.ToJsonString(), code);
    }

    internal static JsonNode? TryParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DeploymentsValidationError ToValidationError(JsonNode? node)
    {
        if (node is not JsonObject o)
        {
            return new DeploymentsValidationError(null, [], node?.ToJsonString(), node?.DeepClone(), null);
        }

        var loc = o["loc"] is JsonArray a
            ? a.Select(x => x is JsonValue v ? ValueText(v) ?? "" : x?.ToJsonString() ?? "null").ToArray()
            : [];
        return new DeploymentsValidationError(
            o["type"] is JsonValue t ? ValueText(t) : null,
            loc,
            o["msg"] is JsonValue m ? ValueText(m) : null,
            o["input"]?.DeepClone(),
            o["ctx"]?.DeepClone() as JsonObject);
    }

    private static string? ValueText(JsonValue v) =>
        v.TryGetValue<string>(out var s) ? s : v.ToJsonString();

    private static bool IsHtml(string? contentType, string body) =>
        (contentType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false)
        || body.TrimStart().StartsWith('<');

    private static string? HtmlTitle(string body)
    {
        var start = body.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        var end = body.IndexOf("</title>", StringComparison.OrdinalIgnoreCase);
        return start >= 0 && end > start ? body[(start + 7)..end].Trim() : null;
    }

    private static string ReasonPhrase(HttpStatusCode status)
    {
        using var response = new HttpResponseMessage(status);
        return response.ReasonPhrase ?? status.ToString();
    }
}
