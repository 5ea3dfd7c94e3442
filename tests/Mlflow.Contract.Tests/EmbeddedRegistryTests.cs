using System.Text.Json.Nodes;
using Mlflow.Contract.Tests.Infrastructure;
using Mlflow.Testing;
using Mlflow.Webhooks;

namespace Mlflow.Contract.Tests;

/// <summary>The embedded server's registry, aliases, prompts and webhooks over raw HTTP, with real signed deliveries.</summary>
public sealed class EmbeddedRegistryTests : IAsyncLifetime
{
    private const string Secret = "contract-secret";
    private readonly MlflowTestServer server = new();
    private RawMlflow http = null!;
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        http = new RawMlflow(await server.StartAsync());
        receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            Assert.Empty(http.Recorder.CheckAgainstSpec(requests: false));
        }
        finally
        {
            http.Dispose();
            await server.DisposeAsync();
            await receiver.DisposeAsync();
        }
    }

    [Fact]
    public async Task Registered_models_versions_stages_tags_search_and_aliases()
    {
        var created = await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "model-a", description = "first", tags = new[] { new { key = "team", value = "sdk" } } });
        Assert.Equal("model-a", (string?)created.Json!["registered_model"]!["name"]);
        Assert.Equal((400, "RESOURCE_ALREADY_EXISTS"), Code(await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "model-a" })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { })));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync("/api/2.0/mlflow/registered-models/get?name=nope")));
        await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "model-b" });

        for (var i = 1; i <= 3; i++)
        {
            var version = await http.PostAsync("/api/2.0/mlflow/model-versions/create", new { name = "model-a", source = "mlflow-artifacts:/1/r/artifacts/model", run_id = "r", description = $"v{i}" });
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)version.Json!["model_version"]!["version"]);
            Assert.Equal("READY", (string?)version.Json["model_version"]!["status"]);
            Assert.Equal("None", (string?)version.Json["model_version"]!["current_stage"]);
        }
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/model-versions/create", new { name = "nope", source = "s" })));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync("/api/2.0/mlflow/model-versions/get?name=model-a&version=99")));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/model-versions/get?name=model-a&version=latest")));

        var staged = await http.PostAsync("/api/2.0/mlflow/model-versions/transition-stage", new { name = "model-a", version = "1", stage = "staging", archive_existing_versions = false });
        Assert.Equal("Staging", (string?)staged.Json!["model_version"]!["current_stage"]);
        await http.PostAsync("/api/2.0/mlflow/model-versions/transition-stage", new { name = "model-a", version = "2", stage = "Production", archive_existing_versions = true });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/model-versions/transition-stage", new { name = "model-a", version = "2", stage = "Nowhere", archive_existing_versions = false })));
        var latest = await http.PostAsync("/api/2.0/mlflow/registered-models/get-latest-versions", new { name = "model-a", stages = new[] { "None" } });
        Assert.Equal("3", (string?)latest.Json!["model_versions"]!.AsArray().Single()!["version"]);
        var model = (await http.GetAsync("/api/2.0/mlflow/registered-models/get?name=model-a")).Json!["registered_model"]!;
        Assert.Equal(["1", "2", "3"], model["latest_versions"]!.AsArray().Select(v => (string)v!["version"]!));

        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/model-versions/set-tag", new { name = "model-a", version = "1", key = "validated", value = "true" })).Status);
        Assert.Equal(200, (await http.DeleteAsync("/api/2.0/mlflow/model-versions/delete-tag", new { name = "model-a", version = "1", key = "validated" })).Status);
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/registered-models/set-tag", new { name = "model-a", key = "k", value = "v" })).Status);
        var updated = await http.PatchAsync("/api/2.0/mlflow/registered-models/update", new { name = "model-a", description = "second" });
        Assert.Equal("second", (string?)updated.Json!["registered_model"]!["description"]);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PatchAsync("/api/2.0/mlflow/registered-models/update", new { name = "nope", description = "x" })));
        Assert.Equal(200, (await http.DeleteAsync("/api/2.0/mlflow/registered-models/delete-tag", new { name = "model-a", key = "never-set" })).Status);
        Assert.Equal("mlflow-artifacts:/1/r/artifacts/model", (string?)(await http.GetAsync("/api/2.0/mlflow/model-versions/get-download-uri?name=model-a&version=1")).Json!["artifact_uri"]);

        var page1 = await http.GetAsync("/api/2.0/mlflow/registered-models/search?filter=name%20LIKE%20%27model-%25%27&max_results=1&order_by=name%20ASC");
        Assert.Equal("model-a", (string?)page1.Json!["registered_models"]![0]!["name"]);
        var page2 = await http.GetAsync($"/api/2.0/mlflow/registered-models/search?filter=name%20LIKE%20%27model-%25%27&max_results=1&order_by=name%20ASC&page_token={Uri.EscapeDataString((string)page1.Json["next_page_token"]!)}");
        Assert.Equal("model-b", (string?)page2.Json!["registered_models"]![0]!["name"]);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/registered-models/search?filter=name%20%3D%3D%3D%20%27x%27")));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/registered-models/search?max_results=5000")));
        var byRun = await http.GetAsync("/api/2.0/mlflow/model-versions/search?filter=run_id%20%3D%20%27r%27");
        Assert.Equal(3, byRun.Json!["model_versions"]!.AsArray().Count);

        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = "model-a", alias = "champion", version = "2" })).Status);
        var byAlias = await http.GetAsync("/api/2.0/mlflow/registered-models/alias?name=model-a&alias=champion");
        Assert.Equal("2", (string?)byAlias.Json!["model_version"]!["version"]);
        Assert.Equal(["champion"], byAlias.Json["model_version"]!["aliases"]!.AsArray().Select(a => (string)a!));
        var withAliases = (await http.GetAsync("/api/2.0/mlflow/registered-models/get?name=model-a")).Json!["registered_model"]!;
        Assert.Equal("champion", (string?)withAliases["aliases"]![0]!["alias"]);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/registered-models/alias?name=model-a&alias=challenger")));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = "model-a", alias = "x", version = "42" })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = "model-a", alias = "v1", version = "1" })));
        Assert.Equal(200, (await http.DeleteAsync("/api/2.0/mlflow/registered-models/alias", new { name = "model-a", alias = "champion" })).Status);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/registered-models/alias?name=model-a&alias=champion")));

        Assert.Equal(200, (await http.DeleteAsync("/api/2.0/mlflow/model-versions/delete", new { name = "model-a", version = "3" })).Status);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.DeleteAsync("/api/2.0/mlflow/model-versions/delete", new { name = "model-a", version = "3" })));
        Assert.Equal(200, (await http.PostAsync("/api/2.0/mlflow/registered-models/rename", new { name = "model-b", new_name = "model-c" })).Status);
        Assert.Equal(200, (await http.DeleteAsync("/api/2.0/mlflow/registered-models/delete", new { name = "model-c" })).Status);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync("/api/2.0/mlflow/registered-models/get?name=model-c")));
    }

    [Fact]
    public async Task Prompts_are_tagged_models_and_searchable()
    {
        await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "greeting", tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" }, new { key = "_mlflow_experiment_ids", value = ",1," } } });
        await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "plain" });
        var version = await http.PostAsync("/api/2.0/mlflow/model-versions/create", new
        {
            name = "greeting",
            source = "prompt-template",
            tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" }, new { key = "mlflow.prompt.text", value = "Hello {{name}}!" }, new { key = "_mlflow_prompt_type", value = "text" } },
        });
        Assert.Equal("1", (string?)version.Json!["model_version"]!["version"]);
        var prompts = await http.GetAsync("/api/2.0/mlflow/registered-models/search?filter=tags.%60mlflow.prompt.is_prompt%60%20%3D%20%27true%27&max_results=10");
        Assert.Equal(["greeting"], prompts.Json!["registered_models"]!.AsArray().Select(m => (string)m!["name"]!));
        var models = await http.GetAsync("/api/2.0/mlflow/registered-models/search?filter=tags.%60mlflow.prompt.is_prompt%60%20%21%3D%20%27true%27");
        // As in MLflow's registry: "!=" on a tag also matches models without it (how clients leave prompts out).
        Assert.Equal(["plain"], models.Json!["registered_models"]!.AsArray().Select(m => (string)m!["name"]!));
        var byExperiment = await http.GetAsync("/api/2.0/mlflow/registered-models/search?filter=" + Uri.EscapeDataString("tags.`mlflow.prompt.is_prompt` = 'true' AND tags._mlflow_experiment_ids LIKE '%,1,%'"));
        Assert.Single(byExperiment.Json!["registered_models"]!.AsArray());
    }

    [Fact]
    public async Task Webhooks_crud_test_endpoint_and_signed_deliveries_on_registry_events()
    {
        var hook = await http.PostAsync("/api/2.0/mlflow/webhooks", new JsonObject
        {
            ["name"] = "events",
            ["url"] = new Uri(receiver.BaseUri, "/webhook/events").ToString(),
            ["secret"] = Secret,
            ["events"] = new JsonArray(
                new JsonObject { ["entity"] = "REGISTERED_MODEL", ["action"] = "CREATED" },
                new JsonObject { ["entity"] = "MODEL_VERSION", ["action"] = "CREATED" },
                new JsonObject { ["entity"] = "MODEL_VERSION_ALIAS", ["action"] = "CREATED" },
                new JsonObject { ["entity"] = "PROMPT", ["action"] = "CREATED" }),
        });
        Assert.Equal(200, hook.Status);
        var id = (string)hook.Json!["webhook"]!["webhook_id"]!;
        Assert.Null(hook.Json["webhook"]!["secret"]);
        Assert.Equal("ACTIVE", (string?)hook.Json["webhook"]!["status"]);
        var unsigned = await http.PostAsync("/api/2.0/mlflow/webhooks", new JsonObject
        {
            ["name"] = "unsigned",
            ["url"] = new Uri(receiver.BaseUri, "/webhook/unsigned").ToString(),
            ["status"] = "DISABLED",
            ["events"] = new JsonArray(new JsonObject { ["entity"] = "REGISTERED_MODEL", ["action"] = "CREATED" }),
        });
        var unsignedId = (string)unsigned.Json!["webhook"]!["webhook_id"]!;
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/webhooks", new JsonObject { ["name"] = "bad", ["url"] = "ftp://127.0.0.1/hook", ["events"] = new JsonArray(new JsonObject { ["entity"] = "REGISTERED_MODEL", ["action"] = "CREATED" }) })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/webhooks", new JsonObject { ["name"] = "bad", ["events"] = new JsonArray(new JsonObject { ["entity"] = "REGISTERED_MODEL", ["action"] = "CREATED" }) })));
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.PostAsync("/api/2.0/mlflow/webhooks", new JsonObject { ["name"] = "bad", ["url"] = "http://127.0.0.1/x", ["events"] = new JsonArray(new JsonObject { ["entity"] = "REGISTERED_MODEL", ["action"] = "DELETED" }) })));

        var page1 = await http.GetAsync("/api/2.0/mlflow/webhooks?max_results=1");
        Assert.Single(page1.Json!["webhooks"]!.AsArray());
        var page2 = await http.GetAsync($"/api/2.0/mlflow/webhooks?max_results=1&page_token={Uri.EscapeDataString((string)page1.Json["next_page_token"]!)}");
        Assert.Single(page2.Json!["webhooks"]!.AsArray());
        Assert.Null(page2.Json["next_page_token"]);
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), Code(await http.GetAsync("/api/2.0/mlflow/webhooks?max_results=5000")));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.GetAsync("/api/2.0/mlflow/webhooks/00000000000000000000000000000000")));
        var patched = await http.PatchAsync($"/api/2.0/mlflow/webhooks/{unsignedId}", new { description = "still off" });
        Assert.Equal("still off", (string?)patched.Json!["webhook"]!["description"]);

        // The test endpoint: synchronous, the spec's example payload, even for a disabled webhook.
        var test = await http.PostAsync($"/api/2.0/mlflow/webhooks/{id}/test", new { @event = new { entity = "MODEL_VERSION", action = "CREATED" } });
        Assert.Equal(true, (bool?)test.Json!["result"]!["success"]);
        Assert.Equal(200, (int?)test.Json["result"]!["response_status"]);
        Assert.Equal("{\"received\": true}", (string?)test.Json["result"]!["response_body"]);
        var tested = await receiver.WaitForAsync(d => d.Path == "/webhook/events" && d.BodyText.Contains("example_model", StringComparison.Ordinal));
        AssertSigned(tested, "model_version", "created");
        var unsignedTest = await http.PostAsync($"/api/2.0/mlflow/webhooks/{unsignedId}/test", new { });
        Assert.Equal(true, (bool?)unsignedTest.Json!["result"]!["success"]);
        var unsignedDelivery = await receiver.WaitForAsync(d => d.Path == "/webhook/unsigned");
        Assert.False(unsignedDelivery.Headers.ContainsKey("X-MLflow-Signature"));
        Assert.True(unsignedDelivery.Headers.ContainsKey("X-MLflow-Delivery-Id"));

        // Real events: delivered after the API call answered, signed with the webhook's secret.
        await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "hooked", tags = new[] { new { key = "team", value = "sdk" } } });
        await http.PostAsync("/api/2.0/mlflow/model-versions/create", new { name = "hooked", source = "mlflow-artifacts:/0/r/artifacts/model", run_id = "r" });
        await http.PostAsync("/api/2.0/mlflow/registered-models/alias", new { name = "hooked", alias = "champion", version = "1" });
        await http.PostAsync("/api/2.0/mlflow/registered-models/create", new { name = "a-prompt", tags = new[] { new { key = "mlflow.prompt.is_prompt", value = "true" }, new { key = "lang", value = "en" } } });
        var modelCreated = AssertSigned(await receiver.WaitForAsync(d => d.BodyText.Contains("\"registered_model\"", StringComparison.Ordinal) && d.BodyText.Contains("hooked", StringComparison.Ordinal)), "registered_model", "created");
        Assert.Equal("sdk", (string?)modelCreated["data"]!["tags"]!["team"]);
        var versionCreated = AssertSigned(await receiver.WaitForAsync(d => d.BodyText.Contains("\"model_version\"", StringComparison.Ordinal) && d.BodyText.Contains("hooked", StringComparison.Ordinal)), "model_version", "created");
        Assert.Equal("1", (string?)versionCreated["data"]!["version"]);
        Assert.Equal("r", (string?)versionCreated["data"]!["run_id"]);
        var aliasCreated = AssertSigned(await receiver.WaitForAsync(d => d.BodyText.Contains("\"model_version_alias\"", StringComparison.Ordinal) && d.BodyText.Contains("hooked", StringComparison.Ordinal)), "model_version_alias", "created");
        Assert.Equal("champion", (string?)aliasCreated["data"]!["alias"]);
        var promptCreated = AssertSigned(await receiver.WaitForAsync(d => d.BodyText.Contains("\"prompt\"", StringComparison.Ordinal) && d.BodyText.Contains("a-prompt", StringComparison.Ordinal)), "prompt", "created");
        Assert.Equal(["lang"], promptCreated["data"]!["tags"]!.AsObject().Select(p => p.Key));

        Assert.Equal(200, (await http.DeleteAsync($"/api/2.0/mlflow/webhooks/{id}")).Status);
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), Code(await http.DeleteAsync($"/api/2.0/mlflow/webhooks/{id}")));
    }

    private static JsonNode AssertSigned(ReceivedDelivery delivery, string entity, string action)
    {
        var verifier = new WebhookVerifier(Secret);
        var result = verifier.Verify(delivery.Headers.GetValueOrDefault("X-MLflow-Delivery-Id"), delivery.Headers.GetValueOrDefault("X-MLflow-Timestamp"),
            delivery.Headers.GetValueOrDefault("X-MLflow-Signature"), delivery.Body);
        Assert.True(result.IsVerified, result.ToString());
        Assert.StartsWith("application/json", delivery.Headers["Content-Type"], StringComparison.Ordinal);
        var envelope = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(entity, (string?)envelope["entity"]);
        Assert.Equal(action, (string?)envelope["action"]);
        Assert.EndsWith("+00:00", (string?)envelope["timestamp"], StringComparison.Ordinal);
        Assert.StartsWith("{\"entity\": ", delivery.BodyText, StringComparison.Ordinal);
        return envelope;
    }

    private static (int, string?) Code(RawAnswer answer) => (answer.Status, answer.ErrorCode);
}
