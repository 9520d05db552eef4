"""A local class whose method opens a path."""


class Store:
    root = "/tmp/store/"

    def save(self, key):
        with open(self.root + key, "w") as f:  # expect: INJ004
            f.write("x")
