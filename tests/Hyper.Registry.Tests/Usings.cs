global using Hyper.Testing;
global using Hyper.Testing.Registry;
