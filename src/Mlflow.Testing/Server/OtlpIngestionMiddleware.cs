using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mlflow.Testing.Server;

/// <summary>
/// <c>POST /v1/traces</c>: OTLP/HTTP span ingestion as MLflow's FastAPI route does it. The experiment comes from the
/// <c>x-mlflow-experiment-id</c> header (missing: 422 with FastAPI's validation body); the body is protobuf
/// (<c>application/x-protobuf</c>) or OTLP/JSON (<c>application/json</c>), optionally gzip or deflate encoded (anything
/// else: 400). A payload without resource spans is a 400, a span that cannot become an MLflow span or a trace that
/// cannot be logged a 422, and when span logging is switched off (<see cref="MlflowTestServerOptions.SupportsSpanLogging"/>)
/// MLflow's 501. Errors are FastAPI's <c>{"detail": ...}</c>; success is an empty protobuf
/// <c>ExportTraceServiceResponse</c>. The whole batch succeeds or fails together.
/// </summary>
internal sealed class OtlpIngestionMiddleware(RequestDelegate next)
{
    public const string Path = "/v1/traces";
    public const string ExperimentHeader = "x-mlflow-experiment-id";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Equals(Path, StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var request = context.Request;
        var experimentId = request.Headers[ExperimentHeader].ToString();
        if (string.IsNullOrEmpty(experimentId))
        {
            var detail = new JsonArray(new JsonObject
            {
                ["type"] = "missing",
                ["loc"] = new JsonArray("header", ExperimentHeader),
                ["msg"] = "Field required",
                ["input"] = null,
            });
            await DetailAsync(context, 422, detail).ConfigureAwait(false);
            return;
        }
        var contentType = (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (contentType is not ("application/x-protobuf" or "application/json"))
        {
            await DetailAsync(context, 400, $"Invalid Content-Type: {request.ContentType}. Expected: application/x-protobuf or application/json").ConfigureAwait(false);
            return;
        }
        byte[] body;
        try
        {
            body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OtlpFormatException e)
        {
            await DetailAsync(context, 400, e.Message).ConfigureAwait(false);
            return;
        }
        List<SpanRecord> spans;
        try
        {
            spans = contentType == "application/json" ? OtlpTraceReader.ReadJson(body) : OtlpTraceReader.ReadProtobuf(body);
        }
        catch (OtlpFormatException e)
        {
            await DetailAsync(context, 400, e.Message).ConfigureAwait(false);
            return;
        }
        catch (OtlpConversionException e)
        {
            await DetailAsync(context, 422, e.Message).ConfigureAwait(false);
            return;
        }
        if (spans.Count == 0)
        {
            await DetailAsync(context, 400, "Invalid OpenTelemetry format - no spans found").ConfigureAwait(false);
            return;
        }
        var options = context.RequestServices.GetRequiredService<MlflowTestServerOptions>();
        if (!options.SupportsSpanLogging)
        {
            await DetailAsync(context, 501, "REST OTLP span logging is not supported by FileStore").ConfigureAwait(false);
            return;
        }
        var operations = (MlflowOperations)context.RequestServices.GetRequiredService<Mlflow.Testing.Generated.MlflowOperationsBase>();
        var errors = new List<string>();
        foreach (var group in spans.GroupBy(s => Convert.ToHexStringLower(s.TraceId)))
        {
            try
            {
                operations.LogSpans(experimentId, group.ToList());
            }
            catch (MlflowError e)
            {
                errors.Add($"Trace tr-{group.Key}: {e.Message}");
            }
        }
        if (errors.Count > 0)
        {
            await DetailAsync(context, 422, "Failed to log OpenTelemetry spans: " + string.Join("\n", errors)).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = 0;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw, cancellationToken).ConfigureAwait(false);
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        switch (encoding)
        {
            case "" or "identity":
                return raw.ToArray();
            case "gzip":
                return Decompress(raw, s => new GZipStream(s, CompressionMode.Decompress), "gzip");
            case "deflate":
                try
                {
                    return Decompress(raw, s => new ZLibStream(s, CompressionMode.Decompress), "deflate");
                }
                catch (OtlpFormatException)
                {
                    return Decompress(raw, s => new DeflateStream(s, CompressionMode.Decompress), "deflate");
                }
            default:
                throw new OtlpFormatException($"Unsupported Content-Encoding: {encoding}");
        }
    }

    private static byte[] Decompress(MemoryStream raw, Func<Stream, Stream> open, string name)
    {
        try
        {
            raw.Position = 0;
            using var stream = open(raw);
            using var result = new MemoryStream();
            stream.CopyTo(result);
            return result.ToArray();
        }
        catch (InvalidDataException)
        {
            throw new OtlpFormatException($"Failed to decompress {name} payload");
        }
    }

    private static Task DetailAsync(HttpContext context, int status, JsonNode detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["detail"] = detail }.ToJsonString(), context.RequestAborted);
    }

    private static Task DetailAsync(HttpContext context, int status, string detail) => DetailAsync(context, status, JsonValue.Create(detail));
}
