// The namespaces most of this project's files read (the MlflowOperations partials, the store, the JSON helpers),
// imported once here instead of at the head of each file. Compile-time only: nothing here reaches the public API.
global using System.Globalization;
global using System.Text;
global using System.Text.Json;
global using System.Text.Json.Nodes;
global using Microsoft.AspNetCore.Mvc;
global using Mlflow.Testing.Store;
global using G = Mlflow.Testing.Generated;
