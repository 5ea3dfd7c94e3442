using Mlflow.Testing;
using Mlflow.TestSupport;

namespace Mlflow.Facade.Tests;

/// <summary>The prompt registry calls (Python's create/register/get/search_prompt) against the embedded server and the recorded corpus.</summary>
public sealed class PromptTests
{
    [Fact]
    public async Task Prompts_are_created_versioned_read_by_version_alias_and_latest_and_searched()
    {
        await using var server = new MlflowTestServer();
        var uri = await server.StartAsync();
        using var mlflow = new MlflowClient(new MlflowClientOptions { TrackingUri = uri.ToString() });

        var v1 = await mlflow.CreatePromptAsync("greeting", "Hello {{name}}, welcome to {{place}}!", tags: new Dictionary<string, string> { ["lang"] = "en" },
            description: "Greeting prompt", metadata: new Dictionary<string, string> { ["author"] = "ds" });
        Assert.Equal(("greeting", "1", false), (v1.Name, v1.Version, v1.IsChat));
        Assert.Equal(["name", "place"], v1.Variables);
        Assert.Equal("Hello Ada, welcome to Paris!", v1.Format(new Dictionary<string, string> { ["name"] = "Ada", ["place"] = "Paris" }));
        Assert.Throws<ArgumentException>(() => v1.Format(new Dictionary<string, string> { ["name"] = "Ada" }));
        Assert.Equal("ds", v1.Tags["author"]);
        Assert.DoesNotContain("mlflow.prompt.text", v1.Tags.Keys);
        Assert.Equal("prompts:/greeting/1", v1.Uri);

        var chat = """[{"role": "system", "content": "You greet {{name}}."}]""";
        var v2 = await mlflow.RegisterPromptAsync(chat, "greeting", description: "chat version");
        Assert.Equal(("2", true, "chat version"), (v2.Version, v2.IsChat, v2.Description));
        Assert.Equal("""[{"role": "system", "content": "You greet \"Bo\"."}]""", v2.Format(new Dictionary<string, string> { ["name"] = "\"Bo\"" }));

        Assert.Equal("2", (await mlflow.GetPromptAsync("greeting"))?.Version);
        Assert.Equal("Hello {{name}}, welcome to {{place}}!", (await mlflow.GetPromptAsync("greeting", "1"))?.Template);
        await mlflow.SetRegisteredModelAliasAsync("greeting", "production", "1");
        Assert.Equal("1", (await mlflow.GetPromptAsync("greeting", "@production"))?.Version);
        Assert.Null(await mlflow.GetPromptAsync("no-such-prompt"));
        Assert.Null(await mlflow.GetPromptAsync("greeting", "9"));

        var created = await mlflow.RegisterPromptAsync("Summarize: {{text}}", "summary");
        Assert.Equal("1", created.Version);
        await mlflow.CreateRegisteredModelAsync("churn");
        var prompts = await mlflow.SearchPromptsAsync().ToListAsync();
        Assert.Equal(["greeting", "summary"], prompts.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("en", prompts.Single(p => p.Name == "greeting").Tags["lang"]);
        Assert.Equal("1", prompts.Single(p => p.Name == "greeting").Aliases["production"]);
        Assert.Equal(["summary"], (await mlflow.SearchPromptsAsync("name LIKE 'sum%'").ToListAsync()).Select(p => p.Name));
        // As Python's client does, a registered-model search leaves prompts out.
        Assert.Equal(["churn"], (await mlflow.SearchRegisteredModelsAsync().ToListAsync()).Select(m => m.Name));
        await Assert.ThrowsAsync<MlflowException>(() => mlflow.RegisterPromptAsync("x", "churn"));
        await Assert.ThrowsAsync<MlflowAlreadyExistsException>(() => mlflow.CreatePromptAsync("greeting", "again"));
        await Assert.ThrowsAsync<ArgumentException>(() => mlflow.CreatePromptAsync("p", "t", tags: new Dictionary<string, string> { ["mlflow.prompt.is_prompt"] = "false" }));
    }

    [Fact]
    public async Task A_new_version_sends_what_MLflow_records()
    {
        var handler = new ReplayHandler()
            .Expect(WireCorpus.Exchanges.Single(e => e.Id == "0262"))
            .Expect(WireCorpus.Exchanges.Single(e => e.Id == "0260"));
        using var client = Clients.Over(handler);
        var version = await client.RegisterPromptAsync("Hello {{name}}, welcome to {{place}}!", "wire-prompt-text", description: "v1", metadata: new Dictionary<string, string> { ["author"] = "wire" });
        Assert.Empty(handler.Mismatches);
        Assert.Equal(0, handler.Remaining);
        Assert.Equal("wire-prompt-text", version.Name);
    }

    [Fact]
    public async Task Registered_model_search_adds_the_prompt_exclusion_python_sends()
    {
        var handler = new ReplayHandler().Expect(WireCorpus.Exchanges.Single(e => e.Id == "0265"));
        using var client = Clients.Over(handler);
        var models = await client.SearchRegisteredModelsAsync(maxResults: null).ToListAsync();
        Assert.Empty(handler.Mismatches);
        Assert.DoesNotContain(models, m => m.Tags.Any(t => t.Key == "mlflow.prompt.is_prompt"));
    }
}
