using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>
/// Every recorded exchange with a status of 400 or more (tests/data/mlflow-wire, tracking, auth and deployments
/// servers) is replayed through the pipeline; the exception must carry the recorded status, the code MLflow's Python
/// client would report, the server's message and the exact body.
/// </summary>
public class ErrorCorpusTests
{
    public static TheoryData<string> ErrorExchanges()
    {
        var data = new TheoryData<string>();
        foreach (var row in Wire.Index().Where(r => int.Parse(r[5]) >= 400)) data.Add(row[7]);
        return data;
    }

    [Fact]
    public void The_corpus_has_every_error_shape()
    {
        var files = Wire.Index().Where(r => int.Parse(r[5]) >= 400).Select(r => r[7]).ToList();
        Assert.True(files.Count >= 190, $"expected the ~195 recorded error exchanges, found {files.Count}");
        Assert.Contains(files, f => f.Contains("err-create-duplicate-name"));
    }

    [Theory]
    [MemberData(nameof(ErrorExchanges))]
    public async Task Recorded_error_is_translated(string file)
    {
        using var exchange = Wire.Load(file);
        var request = exchange.RootElement.GetProperty("request");
        var response = exchange.RootElement.GetProperty("response");
        var status = response.GetProperty("status").GetInt32();
        var rawBody = response.GetProperty("raw_body").GetString() ?? string.Empty;
        var bodyBytes = response.TryGetProperty("raw_body_encoding", out var enc) && enc.GetString() == "base64"
            ? Convert.FromBase64String(rawBody)
            : Encoding.UTF8.GetBytes(rawBody);
        var bodyText = Encoding.UTF8.GetString(bodyBytes);
        var contentType = response.GetProperty("headers").TryGetProperty("content-type", out var ct) ? ct.GetString() : null;

        var handler = new ReplayHandler(status, bodyBytes, contentType);
        var settings = new MlflowClientOptions { TrackingUri = "http://127.0.0.1:5000/prefix", MaxRetries = 0, EnvironmentSource = MlflowEnvironment.Empty }.Resolve();
        using var http = new HttpClient(MlflowHttpPipeline.Create(settings, innerHandler: handler));
        var method = new HttpMethod(request.GetProperty("method").GetString()!);
        var rawQuery = request.GetProperty("raw_query").GetString();
        var url = settings.BaseUrl + request.GetProperty("path").GetString() + (string.IsNullOrEmpty(rawQuery) ? "" : "?" + rawQuery);
        using var message = new HttpRequestMessage(method, url);
        if (request.TryGetProperty("raw_body", out var reqBody) && reqBody.ValueKind == JsonValueKind.String)
        {
            message.Content = new StringContent(reqBody.GetString()!, Encoding.UTF8, "application/json");
        }

        var ex = await Assert.ThrowsAnyAsync<MlflowException>(() => http.SendAsync(message));

        // Status, method, URL and body are kept exactly.
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(method.Method, ex.Method);
        Assert.Equal(new Uri(url), ex.RequestUri);
        Assert.Equal(bodyText, ex.ResponseBody);
        Assert.Equal(contentType, ex.ResponseContentType);
        Assert.False(string.IsNullOrWhiteSpace(ex.ServerMessage));

        // Code and message, from the body when it says them, else from the status as MLflow's Python client does.
        var (expectedCode, expectedMessage) = Expected(status, bodyText);
        Assert.Equal(expectedCode, ex.RawErrorCode);
        Assert.NotEqual(MlflowErrorCode.Unknown, ex.ErrorCode);
        Assert.Equal(expectedCode, ex.ErrorCode.ToWireName());
        if (expectedMessage is not null) Assert.Equal(expectedMessage, ex.ServerMessage);
        if (LooksLikeHtml(bodyText)) Assert.DoesNotContain("<", ex.ServerMessage);
        if (bodyText.Length == 0) Assert.Contains(status.ToString(), ex.ServerMessage);
        Assert.Contains(ex.RawErrorCode, ex.Message);

        // The exception type.
        Assert.IsType(ExpectedType(status, ex.ErrorCode, ex.ErrorJson), ex);
        Assert.Equal(1, handler.Calls);
    }

    private static (string Code, string? Message) Expected(int status, string body)
    {
        if (body.TrimStart().StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.TryGetProperty("error_code", out var code))
            {
                return (code.GetString()!, root.TryGetProperty("message", out var m) ? m.GetString() : null);
            }

            if (root.TryGetProperty("detail", out var detail))
            {
                if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("error_code", out var inner))
                {
                    return (inner.GetString()!, detail.GetProperty("message").GetString());
                }

                if (detail.ValueKind == JsonValueKind.String) return (StatusCode(status), detail.GetString());
                return (StatusCode(status), null);
            }
        }

        if (body.Length > 0 && !LooksLikeHtml(body)) return (StatusCode(status), body.Trim());
        return (StatusCode(status), null);
    }

    // mlflow.exceptions.HTTP_STATUS_TO_ERROR_CODE, written out independently of the SDK's table.
    private static string StatusCode(int status) => status switch
    {
        400 => "BAD_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "ENDPOINT_NOT_FOUND",
        409 => "ALREADY_EXISTS",
        429 => "RESOURCE_EXHAUSTED",
        501 => "NOT_IMPLEMENTED",
        503 => "TEMPORARILY_UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "INTERNAL_ERROR",
    };

    private static Type ExpectedType(int status, MlflowErrorCode code, JsonElement? json)
    {
        var fromBody = json is { } j && (j.TryGetProperty("error_code", out _)
            || (j.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("error_code", out _)));
        if (fromBody)
        {
            switch (code)
            {
                case MlflowErrorCode.ResourceDoesNotExist or MlflowErrorCode.NotFound or MlflowErrorCode.EndpointNotFound: return typeof(MlflowNotFoundException);
                case MlflowErrorCode.ResourceAlreadyExists or MlflowErrorCode.AlreadyExists: return typeof(MlflowAlreadyExistsException);
                case MlflowErrorCode.InvalidParameterValue or MlflowErrorCode.BadRequest or MlflowErrorCode.MalformedRequest: return typeof(MlflowBadRequestException);
                case MlflowErrorCode.PermissionDenied: return typeof(MlflowPermissionDeniedException);
                case MlflowErrorCode.Unauthenticated: return typeof(MlflowUnauthenticatedException);
            }
        }

        return status switch
        {
            404 => typeof(MlflowNotFoundException),
            401 => typeof(MlflowUnauthenticatedException),
            403 => typeof(MlflowPermissionDeniedException),
            400 or 405 or 422 => typeof(MlflowBadRequestException),
            >= 500 => typeof(MlflowServerException),
            _ => typeof(MlflowException),
        };
    }

    private static bool LooksLikeHtml(string body) => body.TrimStart().StartsWith('<');

    private sealed class ReplayHandler(int status, byte[] body, string? contentType) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // A routing 404 makes the client ask GET /version (MlflowMissingRoute); the replayed 404 leaves it unknown.
            if (!request.RequestUri!.AbsolutePath.EndsWith("/version", StringComparison.Ordinal)) Calls++;
            var response = new HttpResponseMessage((HttpStatusCode)status) { RequestMessage = request, Content = new ByteArrayContent(body) };
            if (contentType is not null) response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return Task.FromResult(response);
        }
    }
}
