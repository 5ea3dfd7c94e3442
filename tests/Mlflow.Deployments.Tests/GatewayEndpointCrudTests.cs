using System.Net;
using System.Text.Json.Nodes;
using Mlflow.Deployments.Tests.Infrastructure;

namespace Mlflow.Deployments.Tests;

/// <summary>
/// The AI-gateway target's endpoint members mapped onto the generated client's
/// <c>/api/3.0/mlflow/gateway/endpoints/*</c> operations, replayed from exchanges/gateway/.
/// </summary>
public sealed class GatewayEndpointCrudTests
{
    private static WireExchange X(string name) => WireExchange.Load("gateway", name);

    private static MlflowGatewayDeploymentClient Client(ReplayHandler handler) =>
        new("mlflow-gateway+" + Wire.BaseUri, Wire.Options(handler),
            new MlflowClient(new MlflowClientOptions { TrackingUri = Wire.BaseUri, EnvironmentSource = MlflowEnvironment.Empty, MaxRetries = 0 }, null, null, handler));

    [Fact]
    public async Task Create_endpoint_sends_CreateGatewayEndpoint_and_returns_the_endpoint()
    {
        var create = X("create-endpoint");
        var handler = new ReplayHandler(create);
        using var client = Client(handler);

        var endpoint = await client.CreateEndpointAsync("wire-chat", new Dictionary<string, object?>
        {
            ["model_configs"] = new JsonArray(new JsonObject { ["model_definition_id"] = "d-99eb84fdc1204d40b03cd7623c7ef1b8", ["linkage_type"] = "PRIMARY", ["weight"] = 1.0 }),
            ["created_by"] = "wire",
            ["usage_tracking"] = false,
        });

        Wire.AssertSent(create, Assert.Single(handler.Sent));
        Assert.Equal("wire-chat", endpoint.Name);
        Wire.AssertJsonEqual(create.ResponseBody!["endpoint"], endpoint.Json);
    }

    [Fact]
    public async Task Create_errors_map_to_deployments_errors()
    {
        var duplicate = X("err-create-endpoint-duplicate-name");
        var unknownDefinition = X("err-create-endpoint-unknown-model-definition");
        var handler = new ReplayHandler(duplicate, unknownDefinition);
        using var client = Client(handler);
        var config = (string definition) => new Dictionary<string, object?>
        {
            ["model_configs"] = new JsonArray(new JsonObject { ["model_definition_id"] = definition, ["linkage_type"] = "PRIMARY" }),
        };

        var e = await Assert.ThrowsAsync<DeploymentsException>(() => client.CreateEndpointAsync("wire-chat", config("d-99eb84fdc1204d40b03cd7623c7ef1b8")));
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("BAD_REQUEST", e.RawErrorCode);
        Assert.Equal(MlflowErrorCode.BadRequest, e.ErrorCode);
        Assert.Contains("UNIQUE constraint failed", e.Detail);
        Assert.IsAssignableFrom<MlflowException>(e.InnerException);

        var notFound = await Assert.ThrowsAsync<DeploymentNotFoundException>(() => client.CreateEndpointAsync("wire-bad", config("d-00000000000000000000000000000000")));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", notFound.RawErrorCode);
        Assert.Equal(MlflowErrorCode.ResourceDoesNotExist, notFound.ErrorCode);
        Assert.Equal("Model definitions not found: d-00000000000000000000000000000000", notFound.Detail);

        Wire.AssertSent(duplicate, handler.Sent[0]);
        Wire.AssertSent(unknownDefinition, handler.Sent[1]);
    }

    [Fact]
    public async Task Get_and_list_endpoints()
    {
        var get = X("get-endpoint-by-name");
        var list = X("list-endpoints");
        var handler = new ReplayHandler(get, list);
        using var client = Client(handler);

        var endpoint = await client.GetEndpointAsync("wire-chat");
        var all = await client.ListEndpointsAsync();

        Wire.AssertSent(get, handler.Sent[0]);
        Wire.AssertSent(list, handler.Sent[1]);
        Wire.AssertJsonEqual(get.ResponseBody!["endpoint"], endpoint.Json);
        Assert.Equal(["wire-chat"], all.Select(e => e.Name));
        Wire.AssertJsonEqual(list.ResponseBody!["endpoints"]![0], all[0].Json);
    }

    [Fact]
    public async Task Get_unknown_endpoint_is_not_found()
    {
        var handler = new ReplayHandler(X("err-get-endpoint-unknown"));
        using var client = Client(handler);

        var e = await Assert.ThrowsAsync<DeploymentNotFoundException>(() => client.GetEndpointAsync("no-such-endpoint"));

        Assert.Equal("GatewayEndpoint not found (name='no-such-endpoint')", e.Detail);
        Wire.AssertSent(X("err-get-endpoint-unknown"), Assert.Single(handler.Sent));
    }

    [Fact]
    public async Task Update_looks_the_id_up_by_name_then_updates()
    {
        var get = X("get-endpoint-by-name");
        var update = X("update-endpoint-fallback-config");
        var handler = new ReplayHandler(get, update);
        using var client = Client(handler);

        var endpoint = await client.UpdateEndpointAsync("wire-chat", new Dictionary<string, object?>
        {
            ["fallback_config"] = new JsonObject { ["strategy"] = "SEQUENTIAL", ["max_attempts"] = 2 },
            ["updated_by"] = "wire",
        });

        Wire.AssertSent(get, handler.Sent[0]);
        Wire.AssertSent(update, handler.Sent[1]);
        Wire.AssertJsonEqual(update.ResponseBody!["endpoint"], endpoint.Json);
    }

    [Fact]
    public async Task Delete_looks_the_id_up_and_is_idempotent()
    {
        var get = X("get-endpoint-by-name");
        var delete = X("delete-endpoint");
        var unknown = X("err-get-endpoint-unknown");
        var handler = new ReplayHandler(get, delete, unknown);
        using var client = Client(handler);

        await client.DeleteEndpointAsync("wire-chat");
        await client.DeleteEndpointAsync("no-such-endpoint"); // already gone: no error, no delete call

        Assert.Equal(3, handler.Sent.Count);
        Wire.AssertSent(get, handler.Sent[0]);
        Wire.AssertSent(delete, handler.Sent[1]);
        Wire.AssertSent(unknown, handler.Sent[2]);
    }
}
