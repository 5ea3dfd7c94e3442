namespace Mlflow.Client.Tests;

public class OptionsTests
{
    private static IMlflowEnvironment Env(params (string Name, string Value)[] variables) =>
        MlflowEnvironment.FromDictionary(variables.ToDictionary(v => v.Name, v => (string?)v.Value));

    private static readonly IMlflowEnvironment FullEnvironment = Env(
        ("MLFLOW_TRACKING_URI", "http://env-host:5000/"),
        ("MLFLOW_TRACKING_TOKEN", "env-token"),
        ("MLFLOW_TRACKING_INSECURE_TLS", "true"),
        ("MLFLOW_TRACKING_CLIENT_CERT_PATH", "/env/client.pem"),
        ("MLFLOW_HTTP_REQUEST_TIMEOUT", "30"),
        ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "3"),
        ("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.5"),
        ("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", "0.25"),
        ("MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER", "false"),
        ("MLFLOW_WORKSPACE", "env-ws"));

    [Fact]
    public void Defaults_match_the_python_client()
    {
        var settings = new MlflowClientOptions { TrackingUri = "http://localhost:5000" }.Resolve(MlflowEnvironment.Empty);
        Assert.Equal("http://localhost:5000", settings.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.Timeout);
        Assert.Equal(7, settings.MaxRetries);
        Assert.Equal(2, settings.BackoffFactor);
        Assert.Equal(1, settings.BackoffJitter);
        Assert.True(settings.RespectRetryAfter);
        Assert.Equal([408, 429, 500, 502, 503, 504], settings.RetryStatusCodes.Order());
        Assert.Equal(MlflowAuthenticationKind.None, settings.AuthenticationKind);
        Assert.False(settings.InsecureTls);
        Assert.Null(settings.Workspace);
    }

    [Fact]
    public void Environment_fills_every_unset_option()
    {
        var settings = new MlflowClientOptions().Resolve(FullEnvironment);
        Assert.Equal("http://env-host:5000", settings.BaseUrl);
        Assert.Equal(MlflowAuthenticationKind.Bearer, settings.AuthenticationKind);
        Assert.Equal("env-token", settings.Token);
        Assert.True(settings.InsecureTls);
        Assert.Equal("/env/client.pem", settings.ClientCertPath);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
        Assert.Equal(3, settings.MaxRetries);
        Assert.Equal(0.5, settings.BackoffFactor);
        Assert.Equal(0.25, settings.BackoffJitter);
        Assert.False(settings.RespectRetryAfter);
        Assert.Equal("env-ws", settings.Workspace);
    }

    [Fact]
    public void Explicit_options_win_over_the_environment()
    {
        var settings = new MlflowClientOptions
        {
            TrackingUri = "https://explicit/mlflow/",
            Username = "alice",
            Password = "pw",
            InsecureTls = false,
            ClientCertPath = "/explicit/client.pem",
            Timeout = TimeSpan.FromSeconds(5),
            MaxRetries = 1,
            BackoffFactor = 4,
            BackoffJitter = 0,
            RespectRetryAfter = true,
            Workspace = "explicit-ws",
        }.Resolve(FullEnvironment);
        Assert.Equal("https://explicit/mlflow", settings.BaseUrl);
        Assert.Equal(MlflowAuthenticationKind.Basic, settings.AuthenticationKind);
        Assert.Null(settings.Token); // explicit credentials replace the environment's as a group
        Assert.False(settings.InsecureTls);
        Assert.Equal("/explicit/client.pem", settings.ClientCertPath);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Timeout);
        Assert.Equal(1, settings.MaxRetries);
        Assert.Equal(4, settings.BackoffFactor);
        Assert.Equal(0, settings.BackoffJitter);
        Assert.True(settings.RespectRetryAfter);
        Assert.Equal("explicit-ws", settings.Workspace);
    }

    [Fact]
    public void Environment_basic_credentials_win_over_an_environment_token_as_in_python()
    {
        var settings = new MlflowClientOptions().Resolve(Env(
            ("MLFLOW_TRACKING_URI", "http://h"), ("MLFLOW_TRACKING_USERNAME", "u"), ("MLFLOW_TRACKING_PASSWORD", "p"), ("MLFLOW_TRACKING_TOKEN", "t")));
        Assert.Equal(MlflowAuthenticationKind.Basic, settings.AuthenticationKind);
        Assert.Equal("u", settings.Username);
    }

    [Fact]
    public void Credentials_file_fills_missing_username_and_password_per_key()
    {
        const string file = "[other]\nmlflow_tracking_username = nope\n\n[mlflow]\nmlflow_tracking_username = file-user\nmlflow_tracking_password = file-pw\n";
        var fromFile = new MlflowClientOptions().Resolve(MlflowEnvironment.FromDictionary(
            new Dictionary<string, string?> { ["MLFLOW_TRACKING_URI"] = "http://h" }, file));
        Assert.Equal(MlflowAuthenticationKind.Basic, fromFile.AuthenticationKind);
        Assert.Equal("file-user", fromFile.Username);
        Assert.Equal("file-pw", fromFile.Password);

        var mixed = new MlflowClientOptions().Resolve(MlflowEnvironment.FromDictionary(
            new Dictionary<string, string?> { ["MLFLOW_TRACKING_URI"] = "http://h", ["MLFLOW_TRACKING_USERNAME"] = "env-user" }, file));
        Assert.Equal("env-user", mixed.Username);
        Assert.Equal("file-pw", mixed.Password);

        var explicitWins = new MlflowClientOptions { Token = "t" }.Resolve(MlflowEnvironment.FromDictionary(
            new Dictionary<string, string?> { ["MLFLOW_TRACKING_URI"] = "http://h" }, file));
        Assert.Equal(MlflowAuthenticationKind.Bearer, explicitWins.AuthenticationKind);
    }

    [Fact]
    public void Environment_username_without_password_is_ignored_as_in_python()
    {
        var settings = new MlflowClientOptions().Resolve(Env(("MLFLOW_TRACKING_URI", "http://h"), ("MLFLOW_TRACKING_USERNAME", "u")));
        Assert.Equal(MlflowAuthenticationKind.None, settings.AuthenticationKind);
    }

    [Theory]
    [InlineData("http://host:5000", "http://host:5000")]
    [InlineData("http://host:5000/", "http://host:5000")]
    [InlineData("https://host/mlflow", "https://host/mlflow")]
    [InlineData("https://host/mlflow/", "https://host/mlflow")]
    [InlineData("https://host/a/b/", "https://host/a/b")]
    public void Tracking_uri_keeps_its_prefix_without_trailing_slash(string uri, string expected)
    {
        var settings = new MlflowClientOptions { TrackingUri = uri }.Resolve(MlflowEnvironment.Empty);
        Assert.Equal(expected, settings.BaseUrl);
    }

    [Fact]
    public void User_info_in_the_uri_becomes_basic_credentials_and_leaves_the_url()
    {
        var settings = new MlflowClientOptions { TrackingUri = "https://bob:p%40ss@host/mlflow/" }.Resolve(MlflowEnvironment.Empty);
        Assert.Equal("https://host/mlflow", settings.BaseUrl);
        Assert.Equal(MlflowAuthenticationKind.Basic, settings.AuthenticationKind);
        Assert.Equal("bob", settings.Username);
        Assert.Equal("p@ss", settings.Password);

        var explicitToken = new MlflowClientOptions { TrackingUri = "https://bob:pw@host", Token = "t" }.Resolve(MlflowEnvironment.Empty);
        Assert.Equal(MlflowAuthenticationKind.Bearer, explicitToken.AuthenticationKind);
        Assert.Equal("https://host", explicitToken.BaseUrl);
    }

    [Fact]
    public void Missing_uri_explains_what_the_sdk_needs()
    {
        var ex = Assert.Throws<MlflowConfigurationException>(() => new MlflowClientOptions().Resolve(MlflowEnvironment.Empty));
        Assert.Contains("MLFLOW_TRACKING_URI", ex.Message);
        Assert.Contains("mlflow server", ex.Message);
        Assert.Contains("http://localhost:5000", ex.Message);
        Assert.Equal(MlflowErrorCode.InvalidParameterValue, ex.ErrorCode);
    }

    [Theory]
    [InlineData("file:///tmp/mlruns", "local file store")]
    [InlineData("./mlruns", "local file store")]
    [InlineData("mlruns", "local file store")]
    [InlineData("sqlite:///mlflow.db", "database backend store")]
    [InlineData("databricks", "Databricks")]
    [InlineData("databricks://profile", "Databricks")]
    [InlineData("ftp://host/x", "'ftp:'")]
    public void Non_http_uris_are_rejected_with_an_explanation(string uri, string expected)
    {
        var ex = Assert.Throws<MlflowConfigurationException>(() => new MlflowClientOptions().Resolve(Env(("MLFLOW_TRACKING_URI", uri))));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("MLFLOW_TRACKING_URI", ex.Message);
        Assert.Contains("mlflow server", ex.Message);
    }

    [Theory]
    [InlineData("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "11")]
    [InlineData("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "many")]
    [InlineData("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "121")]
    [InlineData("MLFLOW_HTTP_REQUEST_TIMEOUT", "0")]
    [InlineData("MLFLOW_TRACKING_INSECURE_TLS", "yes")]
    public void Invalid_environment_values_are_errors(string name, string value)
    {
        Assert.Throws<MlflowConfigurationException>(() => new MlflowClientOptions().Resolve(Env(("MLFLOW_TRACKING_URI", "http://h"), (name, value))));
    }

    [Fact]
    public void Insecure_tls_and_server_certificate_are_exclusive()
    {
        var ex = Assert.Throws<MlflowConfigurationException>(() => new MlflowClientOptions().Resolve(Env(
            ("MLFLOW_TRACKING_URI", "https://h"), ("MLFLOW_TRACKING_INSECURE_TLS", "true"), ("MLFLOW_TRACKING_SERVER_CERT_PATH", "/ca.pem"))));
        Assert.Contains("mutually exclusive", ex.Message);
    }

    public static TheoryData<string, Action<MlflowClientOptions>> ConflictingCredentials => new()
    {
        { "Authorization header and username/password", o => { o.Username = "u"; o.Password = "p"; o.DefaultHeaders["Authorization"] = "Bearer x"; } },
        { "Authorization header and token", o => { o.Token = "t"; o.DefaultHeaders["authorization"] = "Basic eA=="; } },
        { "username/password and token", o => { o.Username = "u"; o.Password = "p"; o.Token = "t"; } },
        { "provider and token", o => { o.Token = "t"; o.AuthenticationProvider = new Microsoft.Kiota.Abstractions.Authentication.AnonymousAuthenticationProvider(); } },
    };

    [Theory]
    [MemberData(nameof(ConflictingCredentials))]
    public void Conflicting_explicit_credentials_are_an_error(string name, Action<MlflowClientOptions> configure)
    {
        var options = new MlflowClientOptions { TrackingUri = "http://h" };
        configure(options);
        var ex = Assert.Throws<MlflowConfigurationException>(() => options.Resolve(MlflowEnvironment.Empty));
        Assert.Contains("Conflicting credentials", ex.Message);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Authorization_header_with_environment_username_password_is_not_a_conflict_explicit_wins()
    {
        var options = new MlflowClientOptions { DefaultHeaders = { ["Authorization"] = "Bearer explicit" } };
        var settings = options.Resolve(Env(("MLFLOW_TRACKING_URI", "http://h"), ("MLFLOW_TRACKING_USERNAME", "u"), ("MLFLOW_TRACKING_PASSWORD", "p")));
        Assert.Equal(MlflowAuthenticationKind.Header, settings.AuthenticationKind);
        Assert.Null(settings.Password);
    }

    [Fact]
    public void Explicit_username_without_password_is_an_error()
    {
        Assert.Throws<MlflowConfigurationException>(() => new MlflowClientOptions { TrackingUri = "http://h", Username = "u" }.Resolve(MlflowEnvironment.Empty));
    }

    [Fact]
    public void FromEnvironment_without_uri_throws_configuration_error()
    {
        if (Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI") is not null) return; // the machine has one set
        Assert.Throws<MlflowConfigurationException>(() => MlflowClient.FromEnvironment());
    }
}
