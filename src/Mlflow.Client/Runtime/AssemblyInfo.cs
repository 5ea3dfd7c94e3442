using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Mlflow.Client.Tests")]
[assembly: InternalsVisibleTo("Mlflow.Fuzz.Tests")]
