using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mlflow.Client.Models;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

/// <summary>
/// An operation the server does not have surfaces as <see cref="MlflowOperationNotSupportedException"/> naming the
/// operation, the MLflow release that introduced it (the spec's x-mlflow-since, through the generated
/// MlflowOperations catalog) and the server's version from GET /version. The server is an in-process handler that
/// answers what MLflow answers: its JSON ENDPOINT_NOT_FOUND, Flask's HTML 404 and FastAPI's {"detail": "Not Found"}
/// (bodies from the recorded corpus), and /version as text.
/// </summary>
public class VersionAwareErrorTests
{
    private static readonly string FlaskNotFound = RecordedBody("0548");
    private static readonly string FastApiNotFound = RecordedBody("0757");
    private const string EndpointNotFound = """{"error_code": "ENDPOINT_NOT_FOUND", "message": "No API route for POST /api/2.0/mlflow/logged-models/search"}""";

    [Fact]
    public void The_generated_catalog_carries_each_operations_first_release()
    {
        Assert.Equal("3.0.0", MlflowOperations.Find("searchLoggedModels")!.Since);
        Assert.Equal("1.0.0", MlflowOperations.Find("createExperiment")!.Since);
        Assert.Equal("3.12.0", MlflowOperations.Find("listLabelSchemas")!.Since);
        Assert.True(MlflowOperations.All.Count(o => o.Since is not null) > 290);
    }

    [Fact]
    public async Task Json_ENDPOINT_NOT_FOUND_names_the_operation_and_both_versions()
    {
        var server = new FakeServer("2.16.0")
            .On("POST", "/mlflow/api/2.0/mlflow/logged-models/search", HttpStatusCode.NotFound, EndpointNotFound, "application/json");
        using var client = Clients.Create(server, o => o.MaxRetries = 0, uri: "http://mlflow.test:5000/mlflow");

        var ex = await Assert.ThrowsAsync<MlflowOperationNotSupportedException>(
            () => client.Api.Api.V20.Mlflow.LoggedModels.Search.PostAsync(new SearchLoggedModels { ExperimentIds = ["1"] }));

        Assert.StartsWith("searchLoggedModels needs MLflow 3.0.0 or newer; the server runs 2.16.0", ex.Message);
        Assert.Equal("searchLoggedModels", ex.OperationId);
        Assert.Equal("3.0.0", ex.RequiredVersion);
        Assert.Equal("2.16.0", ex.ServerVersion);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(MlflowErrorCode.EndpointNotFound, ex.ErrorCode);
        Assert.Equal(EndpointNotFound, ex.ResponseBody);
        Assert.False(ex.IsNotFound); // a missing feature, not a missing resource
        // /version was asked under the tracking URI's path prefix.
        Assert.Contains("GET /mlflow/version", server.Requests);
    }

    [Fact]
    public async Task Flasks_HTML_404_for_a_newer_route_uses_the_recorded_answers()
    {
        // Recorded on an MLflow 3.11 server: the 3.12 route answers Flask's 404 page, /version answers 3.11.2.dev0.
        var server = new FakeServer(RecordedBody("0002"), versionContentType: "text/html; charset=utf-8")
            .On("GET", "/api/3.0/mlflow/label-schemas/list", HttpStatusCode.NotFound, RecordedBody("0559"), "text/html; charset=utf-8");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<MlflowOperationNotSupportedException>(
            () => client.Api.Api.V30.Mlflow.LabelSchemas.List.GetAsync(c => c.QueryParameters.ExperimentId = "1"));

        Assert.StartsWith("listLabelSchemas needs MLflow 3.12.0 or newer; the server runs 3.11.2.dev0", ex.Message);
        Assert.Equal("3.11.2.dev0", ex.ServerVersion);
        Assert.Equal("text/html; charset=utf-8", ex.ResponseContentType);
    }

    [Fact]
    public async Task FastApis_not_found_from_an_older_server()
    {
        var server = new FakeServer("3.4.0")
            .On("POST", "/ajax-api/3.0/jobs/search", HttpStatusCode.NotFound, FastApiNotFound, "application/json");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<MlflowOperationNotSupportedException>(
            () => client.Api.AjaxApi.V30.Jobs.Search.PostAsync(new SearchJobsRequest()));

        Assert.StartsWith("searchJobs needs MLflow 3.5.0 or newer; the server runs 3.4.0", ex.Message);
    }

    [Fact]
    public async Task ENDPOINT_NOT_FOUND_from_a_server_that_does_not_tell_its_version()
    {
        var server = new FakeServer(version: null)
            .On("POST", "/api/2.0/mlflow/logged-models/search", HttpStatusCode.NotFound, EndpointNotFound, "application/json");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<MlflowOperationNotSupportedException>(
            () => client.Api.Api.V20.Mlflow.LoggedModels.Search.PostAsync(new SearchLoggedModels()));

        Assert.StartsWith("searchLoggedModels needs MLflow 3.0.0 or newer; the server does not serve it and did not tell its version", ex.Message);
        Assert.Null(ex.ServerVersion);
    }

    [Fact]
    public async Task The_frameworks_404_without_a_server_version_is_left_as_it_is()
    {
        // FastAPI answers the same body for a gateway endpoint that does not exist: without a version, nothing is claimed.
        var server = new FakeServer(version: null)
            .On("POST", "/ajax-api/3.0/jobs/search", HttpStatusCode.NotFound, FastApiNotFound, "application/json");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        await Assert.ThrowsAsync<MlflowNotFoundException>(() => client.Api.AjaxApi.V30.Jobs.Search.PostAsync(new SearchJobsRequest()));
    }

    [Fact]
    public async Task A_missing_resource_stays_a_not_found_error_and_asks_no_version()
    {
        var server = new FakeServer("2.16.0")
            .On("GET", "/api/2.0/mlflow/runs/get", HttpStatusCode.NotFound, """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run 'x' not found"}""", "application/json");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<MlflowNotFoundException>(() => client.Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = "x"));

        Assert.Equal("RESOURCE_DOES_NOT_EXIST", ex.RawErrorCode);
        Assert.DoesNotContain(server.Requests, r => r.EndsWith("/version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_HTML_404_from_a_server_new_enough_for_the_operation_is_left_as_it_is()
    {
        // getRun exists since MLflow 1.0: on a 3.11 server Flask's 404 page means something else (a proxy, a typo).
        var server = new FakeServer("3.11.0")
            .On("GET", "/api/2.0/mlflow/runs/get", HttpStatusCode.NotFound, FlaskNotFound, "text/html; charset=utf-8");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        var ex = await Assert.ThrowsAsync<MlflowNotFoundException>(() => client.Api.Api.V20.Mlflow.Runs.Get.GetAsync(c => c.QueryParameters.RunId = "x"));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task The_server_version_is_asked_once_per_server()
    {
        var server = new FakeServer("2.9.2")
            .On("POST", "/api/2.0/mlflow/logged-models/search", HttpStatusCode.NotFound, EndpointNotFound, "application/json")
            .On("POST", "/api/3.0/mlflow/traces/search", HttpStatusCode.NotFound, FlaskNotFound, "text/html; charset=utf-8");
        using var client = Clients.Create(server, o => o.MaxRetries = 0);

        var first = await Assert.ThrowsAsync<MlflowOperationNotSupportedException>(
            () => client.Api.Api.V20.Mlflow.LoggedModels.Search.PostAsync(new SearchLoggedModels()));
        var second = await Assert.ThrowsAsync<MlflowOperationNotSupportedException>(
            () => client.Api.Api.V30.Mlflow.Traces.Search.PostAsync(new SearchTracesV3()));

        Assert.StartsWith("searchLoggedModels needs MLflow 3.0.0 or newer; the server runs 2.9.2", first.Message);
        Assert.StartsWith("searchTracesV3 needs MLflow 3.0.0 or newer; the server runs 2.9.2", second.Message);
        Assert.Single(server.Requests, r => r == "GET /version");
    }

    private static string RecordedBody(string id)
    {
        var row = Wire.Index().Single(r => r[0] == id);
        using var doc = Wire.Load(row[7]);
        return doc.RootElement.GetProperty("response").GetProperty("raw_body").GetString()!;
    }

    /// <summary>Answers the scripted routes, /version with the given text (or a Flask 404 when null), anything else 500.</summary>
    private sealed class FakeServer(string? version, string versionContentType = "text/plain; charset=utf-8") : HttpMessageHandler
    {
        private readonly Dictionary<string, (HttpStatusCode Status, string Body, string ContentType)> _routes = new(StringComparer.Ordinal);
        private readonly List<string> _requests = [];

        public IReadOnlyList<string> Requests { get { lock (_requests) return [.. _requests]; } }

        public FakeServer On(string method, string path, HttpStatusCode status, string body, string contentType)
        {
            _routes[method + " " + path] = (status, body, contentType);
            return this;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = request.Method.Method + " " + request.RequestUri!.AbsolutePath;
            lock (_requests) _requests.Add(key);
            var (status, body, contentType) = _routes.TryGetValue(key, out var route) ? route
                : key.StartsWith("GET ", StringComparison.Ordinal) && key.EndsWith("/version", StringComparison.Ordinal)
                    ? version is null ? (HttpStatusCode.NotFound, FlaskNotFound, "text/html; charset=utf-8") : (HttpStatusCode.OK, version, versionContentType)
                    : (HttpStatusCode.InternalServerError, "unexpected " + key, "text/plain");
            var response = new HttpResponseMessage(status) { RequestMessage = request, Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return Task.FromResult(response);
        }
    }
}
