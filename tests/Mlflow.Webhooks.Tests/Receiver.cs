using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlflow.Webhooks.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 (port chosen by the OS) hosting the endpoints under test.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Receiver(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public static async Task<Receiver> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new Receiver(app, new Uri(app.Urls.Single()));
    }

    public Task<HttpResponseMessage> PostAsync(string path, SignedWebhookDelivery delivery) =>
        Client.SendAsync(delivery.ToHttpRequestMessage(new Uri(Client.BaseAddress!, path)));

    public Task<HttpResponseMessage> PostAsync(string path, string? deliveryId, string? timestamp, string? signature, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        AddHeader(request, WebhookHeaders.DeliveryId, deliveryId);
        AddHeader(request, WebhookHeaders.Timestamp, timestamp);
        AddHeader(request, WebhookHeaders.Signature, signature);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void AddHeader(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
