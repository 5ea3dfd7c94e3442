using System.Net;
using System.Text;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

public class PipelineTests
{
    [Theory]
    [InlineData("https://host/mlflow", "https://host/mlflow/api/2.0/mlflow/experiments/get?experiment_id=1")]
    [InlineData("https://host/mlflow/", "https://host/mlflow/api/2.0/mlflow/experiments/get?experiment_id=1")]
    [InlineData("https://host/a/b", "https://host/a/b/api/2.0/mlflow/experiments/get?experiment_id=1")]
    [InlineData("http://host:5000", "http://host:5000/api/2.0/mlflow/experiments/get?experiment_id=1")]
    public async Task Requests_keep_the_tracking_uri_path_prefix(string trackingUri, string expected)
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, uri: trackingUri);
        Assert.Equal(trackingUri.TrimEnd('/'), client.RequestAdapter.BaseUrl);
        await Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get", query: new Dictionary<string, object> { ["experiment_id"] = "1" });
        Assert.Equal(expected, Assert.Single(handler.Attempts).Uri.ToString());
    }

    [Theory]
    [InlineData("/api/3.0/mlflow/server-info")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts/1/run/artifacts/a/b.txt")]
    [InlineData("/ajax-api/2.0/mlflow/experiments/search-datasets")]
    public async Task Every_route_family_keeps_the_prefix(string path)
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, uri: "https://proxy.example/team/mlflow/");
        await Clients.SendAsync(client, Method.POST, path, "{}");
        Assert.Equal("https://proxy.example/team/mlflow" + path, Assert.Single(handler.Attempts).Uri.ToString());
    }

    [Fact]
    public async Task User_agent_names_the_sdk_and_its_version()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler);
        await Clients.SendAsync(client, Method.GET, "/health");
        var userAgent = Assert.Single(handler.Attempts).Headers["User-Agent"];
        Assert.Equal($"mlflow-dotnet-client/{MlflowTelemetry.Version}", userAgent);
        Assert.Matches(@"^mlflow-dotnet-client/\d+\.\d+\.\d+", userAgent);
    }

    [Theory]
    [InlineData("/api/2.0/mlflow/experiments/create", true)]
    [InlineData("/api/3.0/mlflow/server-info", true)]
    [InlineData("/api/3.0/mlflow/workspaces", false)]
    [InlineData("/api/3.0/mlflow/workspaces/team-a", false)]
    [InlineData("/ajax-api/3.0/mlflow/workspaces", false)]
    public async Task Workspace_header_is_sent_except_on_workspace_routes(string path, bool expected)
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, o => o.Workspace = "team-a");
        await Clients.SendAsync(client, Method.POST, path, "{}");
        var headers = Assert.Single(handler.Attempts).Headers;
        Assert.Equal(expected, headers.TryGetValue("X-MLFLOW-WORKSPACE", out var value));
        if (expected) Assert.Equal("team-a", value);
    }

    [Fact]
    public async Task No_workspace_header_without_a_workspace()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler);
        await Clients.SendAsync(client, Method.POST, "/api/2.0/mlflow/runs/create", "{}");
        Assert.False(Assert.Single(handler.Attempts).Headers.ContainsKey("X-MLFLOW-WORKSPACE"));
    }

    [Fact]
    public async Task Basic_credentials_are_sent()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, o => { o.Username = "alice"; o.Password = "s3cret:x"; });
        await Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/users/current");
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret:x"));
        Assert.Equal(expected, Assert.Single(handler.Attempts).Headers["Authorization"]);
    }

    [Fact]
    public async Task Bearer_token_is_sent()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, o => o.Token = "tok-123");
        await Clients.SendAsync(client, Method.GET, "/health");
        Assert.Equal("Bearer tok-123", Assert.Single(handler.Attempts).Headers["Authorization"]);
    }

    [Fact]
    public async Task Environment_token_is_sent_when_no_explicit_credentials()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        var options = new MlflowClientOptions
        {
            EnvironmentSource = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>
            {
                ["MLFLOW_TRACKING_URI"] = "http://env-host/prefix",
                ["MLFLOW_TRACKING_TOKEN"] = "env-tok",
                ["MLFLOW_WORKSPACE"] = "env-ws",
            }),
        };
        using var client = new MlflowClient(options, null, null, handler);
        await Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get");
        var attempt = Assert.Single(handler.Attempts);
        Assert.Equal("http://env-host/prefix/api/2.0/mlflow/experiments/get", attempt.Uri.ToString());
        Assert.Equal("Bearer env-tok", attempt.Headers["Authorization"]);
        Assert.Equal("env-ws", attempt.Headers["X-MLFLOW-WORKSPACE"]);
    }

    [Fact]
    public async Task Custom_kiota_authentication_provider_authenticates_requests()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, o => o.AuthenticationProvider = new HeaderProvider("Signed abc"));
        await Clients.SendAsync(client, Method.GET, "/health");
        Assert.Equal("Signed abc", Assert.Single(handler.Attempts).Headers["Authorization"]);
    }

    [Fact]
    public async Task Default_headers_are_sent()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        using var client = Clients.Create(handler, o => o.DefaultHeaders["X-Team"] = "ml");
        await Clients.SendAsync(client, Method.GET, "/health");
        Assert.Equal("ml", Assert.Single(handler.Attempts).Headers["X-Team"]);
    }

    [Fact]
    public async Task Errors_surface_as_mlflow_exceptions_through_kiota()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.NotFound,
            """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Could not find experiment with name 'x'"}""");
        using var client = Clients.Create(handler);
        var ex = await Assert.ThrowsAsync<MlflowNotFoundException>(() =>
            Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get-by-name", query: new Dictionary<string, object> { ["experiment_name"] = "x" }));
        Assert.Equal(MlflowErrorCode.ResourceDoesNotExist, ex.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("GET", ex.Method);
        Assert.Equal("http://mlflow.test:5000/api/2.0/mlflow/experiments/get-by-name?experiment_name=x", ex.RequestUri!.ToString());
        Assert.True(ex.IsNotFound);
    }

    [Fact]
    public async Task OrNullIfNotFound_returns_null_where_python_returns_none()
    {
        var handler = new ScriptedHandler()
            .Respond(HttpStatusCode.NotFound, """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "nope"}""")
            .Respond(HttpStatusCode.BadRequest, """{"error_code": "INVALID_PARAMETER_VALUE", "message": "bad"}""");
        using var client = Clients.Create(handler);
        Assert.Null(await Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get-by-name").OrNullIfNotFound());
        await Assert.ThrowsAsync<MlflowBadRequestException>(() => Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get-by-name").OrNullIfNotFound());
    }

    [Fact]
    public async Task Success_statuses_other_than_200_pass_through()
    {
        var handler = new ScriptedHandler().Respond(HttpStatusCode.Created, """{"workspace": {"name": "w"}}""").Respond(HttpStatusCode.NoContent, "");
        using var client = Clients.Create(handler);
        var created = await Clients.SendAsync(client, Method.POST, "/api/3.0/mlflow/workspaces", "{}");
        Assert.NotNull(created);
        await Clients.SendAsync(client, Method.DELETE, "/api/3.0/mlflow/workspaces/w");
        Assert.Equal(2, handler.Attempts.Count);
    }

    [Fact]
    public void Dispose_is_idempotent()
    {
        var client = Clients.Create(new ScriptedHandler());
        client.Dispose();
        client.Dispose();
    }

    private sealed class HeaderProvider(string value) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            request.Headers.Add("Authorization", value);
            return Task.CompletedTask;
        }
    }
}
