using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Abstractions;
using Mlflow.Client.Tests.Infrastructure;

namespace Mlflow.Client.Tests;

public class DependencyInjectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task AddMlflowClient_binds_the_Mlflow_section_and_runs_the_pipeline()
    {
        var handler = new ScriptedHandler()
            .Respond(HttpStatusCode.OK)
            .Respond(HttpStatusCode.NotFound, """{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "gone"}""");
        var services = new ServiceCollection();
        services.AddSingleton(Config(
            ("Mlflow:TrackingUri", "https://cfg-host/mlflow/"),
            ("Mlflow:MaxRetries", "2"),
            ("Mlflow:Timeout", "00:00:30"),
            ("Mlflow:Workspace", "cfg-ws"),
            ("Mlflow:Token", "cfg-token"),
            ("Mlflow:RetryStatusCodes:0", "503"),
            ("Mlflow:DefaultHeaders:X-Team", "ml")));
        services.AddMlflowClient(o => o.EnvironmentSource = MlflowEnvironment.Empty)
            .ConfigurePrimaryHttpMessageHandler(() => handler);

        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<MlflowClient>();
        Assert.NotSame(client, provider.GetRequiredService<MlflowClient>());
        Assert.Equal("https://cfg-host/mlflow", client.Settings.BaseUrl);
        Assert.Equal(2, client.Settings.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(30), client.Settings.Timeout);
        Assert.Equal([503], client.Settings.RetryStatusCodes);

        await Clients.SendAsync(client, Method.POST, "/api/2.0/mlflow/experiments/create", "{}");
        var attempt = Assert.Single(handler.Attempts);
        Assert.Equal("https://cfg-host/mlflow/api/2.0/mlflow/experiments/create", attempt.Uri.ToString());
        Assert.Equal("cfg-ws", attempt.Headers["X-MLFLOW-WORKSPACE"]);
        Assert.Equal("Bearer cfg-token", attempt.Headers["Authorization"]);
        Assert.Equal("ml", attempt.Headers["X-Team"]);
        Assert.StartsWith("mlflow-dotnet-client/", attempt.Headers["User-Agent"]);

        await Assert.ThrowsAsync<MlflowNotFoundException>(() => Clients.SendAsync(client, Method.GET, "/api/2.0/mlflow/experiments/get"));
    }

    [Fact]
    public void Configuration_wins_over_environment_and_code_wins_over_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Config(("Mlflow:TrackingUri", "http://from-config"), ("Mlflow:MaxRetries", "4")));
        services.AddMlflowClient(o =>
        {
            o.MaxRetries = 5;
            o.EnvironmentSource = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>
            {
                ["MLFLOW_TRACKING_URI"] = "http://from-env",
                ["MLFLOW_WORKSPACE"] = "env-ws",
            });
        });
        using var provider = services.BuildServiceProvider();
        var settings = provider.GetRequiredService<MlflowClient>().Settings;
        Assert.Equal("http://from-config", settings.BaseUrl);
        Assert.Equal(5, settings.MaxRetries);
        Assert.Equal("env-ws", settings.Workspace);
    }

    [Fact]
    public void Explicit_section_overload_binds_that_section()
    {
        var services = new ServiceCollection();
        var config = Config(("Tracking:TrackingUri", "http://section-host:5000"), ("Tracking:Username", "u"), ("Tracking:Password", "p"));
        services.AddMlflowClient(config.GetSection("Tracking"), o => o.EnvironmentSource = MlflowEnvironment.Empty);
        using var provider = services.BuildServiceProvider();
        var settings = provider.GetRequiredService<MlflowClient>().Settings;
        Assert.Equal("http://section-host:5000", settings.BaseUrl);
        Assert.Equal(MlflowAuthenticationKind.Basic, settings.AuthenticationKind);
    }

    [Fact]
    public async Task Container_logger_factory_and_time_provider_are_used()
    {
        var logs = new CapturingLoggerProvider();
        var handler = new ScriptedHandler().Respond(HttpStatusCode.OK);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddMlflowClient(o => { o.TrackingUri = "http://h"; o.EnvironmentSource = MlflowEnvironment.Empty; })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        using var provider = services.BuildServiceProvider();
        await Clients.SendAsync(provider.GetRequiredService<MlflowClient>(), Method.GET, "/health");
        Assert.Contains(logs.Entries, e => e.Category == MlflowHttpPipeline.LoggerCategory && e.Message.Contains("HTTP GET http://h/health"));
    }

    [Fact]
    public void Missing_tracking_uri_fails_at_resolution_with_the_explanation()
    {
        var services = new ServiceCollection();
        services.AddMlflowClient(o => o.EnvironmentSource = MlflowEnvironment.Empty);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<MlflowConfigurationException>(() => provider.GetRequiredService<MlflowClient>());
        Assert.Contains("MLFLOW_TRACKING_URI", ex.Message);
    }
}
