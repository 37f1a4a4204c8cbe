def process(payload):
    return payload['text'].upper()
