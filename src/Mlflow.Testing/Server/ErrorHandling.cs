using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Mlflow.Testing.Server;

/// <summary>
/// Writes MLflow-shaped answers around the MVC pipeline: the error JSON (one line, Python's separators, as MLflow's
/// proto routes do), the <c>Content-Type: application/json</c> requirement of POST/PUT, and MLflow's two security
/// headers on every response.
/// </summary>
internal sealed class ErrorHandlingMiddleware(RequestDelegate next)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            context.Response.Headers["X-Frame-Options"] = "SAMEORIGIN";
            return Task.CompletedTask;
        });
        try
        {
            CheckContentType(context.Request);
            await next(context).ConfigureAwait(false);
        }
        catch (MlflowError error) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, error).ConfigureAwait(false);
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, MlflowError.InvalidParameter(error.Message)).ConfigureAwait(false);
        }
        catch (Exception error) when (!context.Response.HasStarted && error is not OperationCanceledException)
        {
            await WriteAsync(context, new MlflowError("INTERNAL_ERROR", error.Message, 500)).ConfigureAwait(false);
        }
    }

    public static Task WriteAsync(HttpContext context, MlflowError error)
    {
        context.Response.Clear();
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Format(error), context.RequestAborted);
    }

    /// <summary>The error body; <c>NOT_IMPLEMENTED</c> carries only code and message, as MLflow's does.</summary>
    public static string Format(MlflowError error)
    {
        var json = new StringBuilder();
        json.Append("{\"error_code\": ").Append(JsonSerializer.Serialize(error.ErrorCode, Relaxed));
        json.Append(", \"message\": ").Append(JsonSerializer.Serialize(error.Message, Relaxed));
        if (error.ErrorCode != "NOT_IMPLEMENTED")
        {
            json.Append(", \"sqlstate\": \"KAM00\", \"error_class\": ").Append(JsonSerializer.Serialize(error.ErrorClass, Relaxed));
        }
        return json.Append('}').ToString();
    }

    private static void CheckContentType(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) && !HttpMethods.IsPut(request.Method)) return;
        var path = request.Path.Value ?? "";
        if (!path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/ajax-api/", StringComparison.Ordinal)) return;
        // Raw-byte uploads take any content type.
        if (path.Contains("/mlflow-artifacts/artifacts/", StringComparison.Ordinal) || path.EndsWith("/upload-artifact", StringComparison.Ordinal)) return;
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            throw MlflowError.InvalidParameter("Bad Request. Content-Type header is missing.");
        }
        if (!contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw MlflowError.InvalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
        }
    }
}

/// <summary>
/// Turns model-binding failures (a required field or query parameter missing, a value of the wrong type, malformed
/// JSON) into MLflow's 400 <c>INVALID_PARAMETER_VALUE</c> before the action runs.
/// </summary>
internal sealed class ModelStateFilter : IActionFilter
{
    public void OnActionExecuting(ActionExecutingContext context)
    {
        // Raw-byte uploads: the generated signature has an IFormFile, but MLflow reads the body as it is.
        foreach (var parameter in context.ActionDescriptor.Parameters.Where(p => p.ParameterType == typeof(IFormFile)))
            context.ModelState.Remove(parameter.Name);
        if (context.ModelState.IsValid) return;
        var (key, entry) = context.ModelState.First(e => e.Value?.Errors.Count > 0);
        var error = entry!.Errors[0];
        var name = ParameterName(key);
        var text = error.Exception?.Message ?? error.ErrorMessage;
        if (text.Contains("required", StringComparison.OrdinalIgnoreCase) || text.Contains("non-empty request body", StringComparison.OrdinalIgnoreCase))
        {
            throw MlflowError.MissingParameter(name);
        }
        throw MlflowError.InvalidParameter($"Invalid value for parameter '{name}' supplied: {text}");
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    /// <summary><c>body.Experiment_id</c> / <c>$.experiment_id</c> / <c>experiment_id</c> to <c>experiment_id</c>.</summary>
    private static string ParameterName(string key)
    {
        var name = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key;
        if (name.StartsWith("body.", StringComparison.Ordinal)) name = name[5..];
        return name.Length == 0 ? "body" : name.ToLowerInvariant();
    }
}

/// <summary>Unmatched paths: MLflow answers a 404 (an HTML page there; an MLflow-shaped JSON body here).</summary>
internal static class NotFoundEndpoint
{
    public static Task Handle(HttpContext context) =>
        ErrorHandlingMiddleware.WriteAsync(context, new MlflowError("ENDPOINT_NOT_FOUND", $"No route for {context.Request.Method} {context.Request.Path}.", 404));
}
