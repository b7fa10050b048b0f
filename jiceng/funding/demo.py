def load_funding_demo(district, progress: bool = False) -> None:
    return None
